package io.deetune.core.itest;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.ServiceLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * A real Felix framework in the test JVM with the bundles of target/bundles: SCR, Config Admin, SLF4J, DeeTune.
 * The test talks to services inside it only through the framework API and reflection (its own copies of the API
 * classes are not the bundles'), and checks the data plane through the kernel (pins, maps, test runs).
 */
final class Felix implements AutoCloseable {

    static final Path BUNDLES = Path.of("target/bundles");
    private static final String[] PLATFORM = {"org.osgi.util.function", "org.osgi.util.promise", "org.osgi.service.component", "org.apache.felix.scr",
            "org.apache.felix.configadmin", "slf4j-api", "slf4j-simple", "deetune.bpf"};

    private final Framework framework;

    /** Starts a framework whose state lives in {@code storage}; {@code clean} wipes it first. */
    Felix(Path storage, boolean clean) throws BundleException {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, clean ? Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT : "none");
        // Felix 7 names execution environments up to Java 21; the bundles require JavaSE 25.
        config.put(Constants.FRAMEWORK_SYSTEMCAPABILITIES_EXTRA,
                "osgi.ee; osgi.ee=\"JavaSE\"; version:List<Version>=\"1.8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25\"");
        config.put("org.slf4j.simpleLogger.defaultLogLevel", "info");
        framework = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow().newFramework(config);
        framework.start();
    }

    BundleContext context() {
        return framework.getBundleContext();
    }

    /** Installs (if needed) and starts the platform bundles. */
    void startPlatform() throws BundleException {
        java.util.List<Bundle> installed = new java.util.ArrayList<>();
        for (String name : PLATFORM) {
            installed.add(install(name));
        }
        for (Bundle bundle : installed) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                bundle.start();
            }
        }
    }

    Bundle install(String artifact) throws BundleException {
        Path jar = BUNDLES.resolve(artifact + ".jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("bundle under test missing: " + jar.toAbsolutePath());
        }
        return context().installBundle(jar.toUri().toString());
    }

    Bundle bundle(String symbolicName) {
        for (Bundle bundle : context().getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new IllegalStateException("no bundle " + symbolicName);
    }

    /** Sets a configuration through Config Admin (by reflection: the service's classes are the bundle's). */
    void configure(String pid, Map<String, Object> properties) throws Exception {
        update(invoke(configAdmin(), "getConfiguration", new Class<?>[] {String.class, String.class}, pid, "?"), properties);
    }

    /** Sets a named factory configuration ({@code factoryPid~name}). */
    void configureFactory(String factoryPid, String name, Map<String, Object> properties) throws Exception {
        update(invoke(configAdmin(), "getFactoryConfiguration", new Class<?>[] {String.class, String.class, String.class},
                factoryPid, name, "?"), properties);
    }

    /**
     * Configures the core the way every test runs it (pins under {@code pinRoot}, a short stage grace period) with
     * one pipeline {@code it} of {@code pipeline}'s properties, then installs and starts the core bundle.
     */
    void startCore(Path pinRoot, Map<String, Object> pipeline) throws Exception {
        configure("io.deetune.core", Map.of("pin.root", pinRoot.toString(), "stage.grace.ms", 300L));
        configureFactory("io.deetune.pipeline", "it", pipeline);
        install("deetune.core").start();
    }

    void deleteFactory(String factoryPid, String name) throws Exception {
        Object configuration = invoke(configAdmin(), "getFactoryConfiguration",
                new Class<?>[] {String.class, String.class, String.class}, factoryPid, name, "?");
        invoke(configuration, "delete", new Class<?>[0]);
    }

    private static void update(Object configuration, Map<String, Object> properties) throws Exception {
        Dictionary<String, Object> dictionary = new Hashtable<>(properties);
        invoke(configuration, "update", new Class<?>[] {Dictionary.class}, dictionary);
    }

    private Object configAdmin() throws Exception {
        ServiceReference<?> reference = null;
        for (int i = 0; i < 250 && reference == null; i++) {
            // getAllServiceReferences: the test's own copy of the API class is not the bundle's, so skip the
            // class-space check that getServiceReference would make.
            ServiceReference<?>[] all = context().getAllServiceReferences("org.osgi.service.cm.ConfigurationAdmin", null);
            reference = all == null ? null : all[0];
            if (reference == null) {
                Thread.sleep(20);
            }
        }
        if (reference == null) {
            throw new IllegalStateException("Config Admin did not come up; bundles: "
                    + java.util.Arrays.stream(context().getBundles()).map(b -> b.getSymbolicName() + "=" + b.getState()).toList());
        }
        return context().getService(reference);
    }

    private static Object invoke(Object target, String name, Class<?>[] types, Object... args) throws Exception {
        for (Class<?> type : target.getClass().getInterfaces()) {
            try {
                Method method = type.getMethod(name, types);
                return method.invoke(target, args);
            } catch (NoSuchMethodException e) {
                // try the next interface
            }
        }
        throw new NoSuchMethodException(target.getClass() + "." + name);
    }

    /** Stops the framework (as a JVM exit or Karaf shutdown would) and waits for it. */
    @Override
    public void close() throws BundleException {
        framework.stop();
        try {
            framework.waitForStop(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
