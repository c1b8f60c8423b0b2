package io.deetune.karaf.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * DeeTune's page in a real browser (headless Chromium through Selenium and Debian's chromedriver), against the running
 * distribution and a load balancer in front of two real echo servers: an admin logs in and sees the chain of the
 * pipeline, sees a stage's counter move while traffic flows, drains a backend through the page (confirming the dialog)
 * and the LB sends it no new flows; a viewer sees the same page without any write control. A screenshot is saved as a
 * build artifact (target/screenshots/deetune-page.png).
 */
class WebPageTest {

    private static final String VIP = "10.75.100.100";
    private static final int VIP_PORT = 7000;
    private static final int BACKEND_PORT = 9000;
    private static final String PIN_ROOT = "/sys/fs/bpf/deetune-itest-page";
    private static final int INSTANCE = 41;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private EchoLab lab;
    private KarafProcess karaf;
    private WebDriver browser;

    @BeforeEach
    void labKarafAndBrowser() throws Exception {
        lab = new EchoLab("10.75", 2, BACKEND_PORT);
        // Ports of an instance of its own (8101+N, 8181+N, ...), not free ports picked from the ephemeral range: the
        // browser and its driver open many connections, and one of them can take such a port before Karaf binds it.
        karaf = KarafProcess.unpackAsInstance(Path.of(System.getProperty("deetune.distribution")),
                Path.of("target/karaf-page").toAbsolutePath(), INSTANCE);
        karaf.setProperty("io.deetune.core.cfg", "pin.root", PIN_ROOT);
        karaf.writeConfig("io.deetune.pipeline-page.cfg", "name = page\nhook = xdp\ninterfaces = " + lab.interfaces() + "\n");
        karaf.writeConfig("io.deetune.lb.cfg", "namespace = " + lab.lb() + "\n");
        karaf.writeConfig("io.deetune.lb.service-echo.cfg", """
                vip = %s
                port = %d
                algorithm = round-robin
                backends = 10.75.1.2:%d, 10.75.2.2:%d
                """.formatted(VIP, VIP_PORT, BACKEND_PORT, BACKEND_PORT));
        Files.writeString(karaf.etc("users.properties"), Files.readString(karaf.etc("users.properties"))
                + System.lineSeparator() + "page-viewer = page-viewer-pw,viewer" + System.lineSeparator());
        karaf.start();
        Await.until("the VIP to answer", PATIENCE, () -> {
            try {
                return lab.newConnection(VIP, VIP_PORT).startsWith("b");
            } catch (IOException e) {
                return false;
            }
        });
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Path.of("/usr/bin/chromium").toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
            KarafProcess.tearDown(karaf, "io.deetune.pipeline-page.cfg", Path.of(PIN_ROOT));
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    /** Logs in at the root of DeeTune's context, so the browser uses the credentials for all of it, and lands on the page. */
    private void open(String user, String password) {
        browser.get("http://" + user + ":" + password + "@127.0.0.1:" + karaf.httpPort() + "/deetune/");
    }

    /** Waits for a condition; a timeout shows the page as the browser has it. */
    private WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(browser, PATIENCE);
        wait.withMessage(() -> "the page at " + browser.getCurrentUrl() + ":\n" + browser.findElement(By.tagName("body")).getText());
        return wait;
    }

    /** The text of the element {@code css} selects now; empty while it is being drawn again. */
    private static String textOf(WebDriver d, String css) {
        try {
            return d.findElement(By.cssSelector(css)).getText();
        } catch (StaleElementReferenceException | NoSuchElementException e) {
            return "";
        }
    }

    private long lbPackets() {
        String text = textOf(browser, "#pipeline-page .stage[data-stage='lb'] .packets").replaceAll("[^0-9]", "");
        return text.isEmpty() ? -1 : Long.parseLong(text);
    }

    @Test
    void anAdminSeesTheChainAndLiveCountersAndDrainsABackendThroughThePage() throws Exception {
        open("admin", karaf.password());
        waiting().until(d -> !d.findElements(By.cssSelector("#pipeline-page .stage[data-stage='lb']")).isEmpty());
        waiting().until(d -> textOf(d, "#pipeline-page .chain").matches("(?s).*dispatcher.*firewall.*lb.*"));
        waiting().until(d -> d.findElement(By.id("live")).getText().equals("live"));

        long before = waiting().until(d -> lbPackets() >= 0 ? lbPackets() : null);
        for (int i = 0; i < 20; i++) {
            lab.newConnection(VIP, VIP_PORT);
        }
        waiting().until(d -> lbPackets() > before);

        // The tables are drawn again every 2 s: each step finds its element afresh.
        String b1 = "tr[data-backend='echo/10.75.1.2:" + BACKEND_PORT + "']";
        waiting().until(d -> textOf(d, b1).contains("up"));
        waiting().until(d -> {
            try {
                d.findElement(By.cssSelector(b1 + " button.drain")).click();
                return true;
            } catch (StaleElementReferenceException | NoSuchElementException e) {
                return false;
            }
        });
        waiting().until(d -> {
            try {
                d.switchTo().alert().accept();
                return true;
            } catch (org.openqa.selenium.NoAlertPresentException e) {
                return false;
            }
        });
        waiting().until(d -> textOf(d, b1 + " .weight").startsWith("0"));
        Set<String> reached = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            reached.add(lab.newConnection(VIP, VIP_PORT));
        }
        assertEquals(Set.of("b2"), reached, "after the drain, new flows go to the other backend only");
        assertTrue(Files.readString(karaf.etc("io.deetune.lb.service-echo.cfg")).contains("10.75.1.2:" + BACKEND_PORT + " weight=0")
                || Files.readString(karaf.etc("io.deetune.lb.service-echo.cfg")).contains("weight"), "the drain is saved");

        Path shots = Path.of("target/screenshots");
        Files.createDirectories(shots);
        Files.write(shots.resolve("deetune-page.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void aViewerSeesThePageWithoutWriteControls() {
        open("page-viewer", "page-viewer-pw");
        waiting().until(d -> !d.findElements(By.cssSelector("tr[data-backend]")).isEmpty());
        waiting().until(d -> d.findElement(By.id("who")).getText().contains("viewer"));
        assertTrue(browser.findElements(By.cssSelector("button")).isEmpty(), "no write control for a viewer");
        assertFalse(browser.findElement(By.id("firewall")).getText().isEmpty());
    }
}
