package io.deetune.karaf.itest;

import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.After;
import org.junit.Test;

/**
 * The forms in which Felix File Install hands a service's {@code backends} from its {@code .cfg} file to the load
 * balancer. In a file of plain values every value arrives as one string, whatever the Metatype's cardinality says:
 * {@code a, b} as {@code "a, b"}, and a {@code ["a", "b"]} literal (the README's form before) as that text, quotes
 * and brackets included. Only a typed file (every value quoted) gives a real array. The load balancer takes all three.
 */
public class ServiceFileFormsTest extends DistributionTestBase {

    private static final Map<String, String> FILES = Map.of(
            "comma", "vip = 10.80.0.1\nport = 80\nbackends = 10.80.1.2:80, 10.80.2.2:80 weight=2\n",
            "literal", "vip = 10.80.0.2\nport = 80\nbackends = [\"10.80.1.2:80\", \"10.80.2.2:80 weight=2\"]\n",
            "typed", "vip = \"10.80.0.3\"\nport = I\"80\"\nbackends = [\"10.80.1.2:80\", \"10.80.2.2:80 weight=2\"]\n");

    private static Path file(String name) {
        return Path.of(System.getProperty("karaf.etc"), "io.deetune.lb.service-" + name + ".cfg");
    }

    @After
    public void deleteFiles() throws Exception {
        for (String name : FILES.keySet()) {
            Files.deleteIfExists(file(name));
        }
        Await.until("the services of the deleted files to go", Duration.ofSeconds(60),
                () -> FILES.keySet().stream().noneMatch(admin("lb:service-list")::contains));
    }

    @Test
    public void backendsArriveAsACommaLineAListLiteralOrATypedArrayAndAllThreeWork() throws Exception {
        for (Map.Entry<String, String> entry : FILES.entrySet()) {
            Files.writeString(file(entry.getKey()), entry.getValue());
        }
        Await.until("the three services with both backends", Duration.ofSeconds(60), () -> {
            String list = admin("lb:service-list");
            return list.lines().filter(line -> line.contains("10.80.1.2:80(1,up) 10.80.2.2:80(2,up)")).count() == 3;
        });
        String list = admin("lb:service-list");
        for (String name : FILES.keySet()) {
            assertTrue(list, list.lines().anyMatch(line -> line.startsWith(name + " ") && line.contains("10.80.1.2:80(1,up) 10.80.2.2:80(2,up)")));
        }
    }
}
