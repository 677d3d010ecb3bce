package org.modftpd.itest.support;

import static org.junit.Assert.assertNotNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.inject.Inject;
import org.junit.Before;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Boots Felix with the distribution's bundles and a test configuration, once per test class, and
 * gives tests real FTP sessions against it over loopback.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public abstract class ServerTestSupport {

    @Inject
    protected BundleContext context;

    /** The configuration after the common prologue. Runs outside the framework, before it starts. */
    protected String configuration(Provision.Env env) {
        return "";
    }

    /** The AuthOrder of the prologue. */
    protected String authOrder() {
        return "mod_auth_file.c";
    }

    /** The module jars (from the distribution's modules folder) installed with the server. */
    protected List<String> modules() {
        return List.of("mod_auth_file.jar");
    }

    @Configuration
    public Option[] config() throws IOException {
        Provision.Env env = Provision.environment(getClass().getSimpleName());
        return Provision.server(env, Provision.prologue(env, authOrder()) + configuration(env) + "\n", modules());
    }

    @Before
    public void awaitServer() throws Exception {
        awaitStatus("(modftpd.state=running)");
    }

    protected int port() {
        return Integer.parseInt(context.getProperty("modftpd.test.port"));
    }

    protected Path dir() {
        return Path.of(context.getProperty("modftpd.test.dir"));
    }

    /** A jar built for the tests (target/test-bundles). */
    protected Path testBundle(String fileName) {
        return Path.of(context.getProperty("modftpd.test.bundles")).resolve(fileName);
    }

    protected Path home(String user) {
        return dir().resolve("home").resolve(user);
    }

    protected Ftp connect() throws IOException {
        return Ftp.connect(port());
    }

    protected Ftp login(String user, String password) throws IOException {
        Ftp ftp = connect();
        try {
            return ftp.login(user, password);
        } catch (IOException | AssertionError e) {
            ftp.close();
            throw e;
        }
    }

    /**
     * Waits until the server's status service matches an LDAP filter on its properties
     * ({@code modftpd.state}, {@code modftpd.generation}, {@code modftpd.modules}, ...).
     */
    protected ServiceReference<?> awaitStatus(String filter) throws Exception {
        String full = "(&(objectClass=java.lang.Runnable)(modftpd.action=reload)" + filter + ")";
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, context.createFilter(full), null);
        tracker.open();
        try {
            Object service = tracker.waitForService(TimeUnit.SECONDS.toMillis(30));
            assertNotNull("the server did not reach " + filter + "; now: " + statusProperties(), service);
            return tracker.getServiceReference();
        } finally {
            tracker.close();
        }
    }

    /** The current status properties, for failure messages. */
    protected String statusProperties() {
        try {
            ServiceReference<?>[] refs = context.getServiceReferences(Runnable.class.getName(),
                    "(modftpd.action=reload)");
            if (refs == null) {
                return "(no status service)";
            }
            StringBuilder b = new StringBuilder();
            for (String key : refs[0].getPropertyKeys()) {
                Object v = refs[0].getProperty(key);
                b.append(key).append('=').append(v instanceof Object[] a ? Arrays.toString(a) : v).append(' ');
            }
            return b.toString();
        } catch (InvalidSyntaxException e) {
            return e.toString();
        }
    }

    /**
     * Replaces the configuration with the original one plus {@code extra} and reloads, as an operator
     * editing the file and sending SIGHUP would; new sessions get it.
     */
    protected void reconfigure(String extra) throws Exception {
        java.nio.file.Path conf = dir().resolve("proftpd.conf");
        java.nio.file.Path pristine = dir().resolve("proftpd.conf.orig");
        if (!java.nio.file.Files.exists(pristine)) {
            java.nio.file.Files.copy(conf, pristine);
        }
        long before = generation();
        java.nio.file.Files.writeString(conf, java.nio.file.Files.readString(pristine) + extra + "\n");
        reload();
        awaitStatus("(modftpd.generation>=" + (before + 1) + ")");
    }

    /** The generation of the configuration new sessions get. */
    protected long generation() throws Exception {
        ServiceReference<?> ref = awaitStatus("(modftpd.state=running)");
        return (Long) ref.getProperty("modftpd.generation");
    }

    /** Runs the server's reload (as SIGHUP does) and returns when it is done. */
    protected void reload() throws Exception {
        ServiceReference<?> ref = awaitStatus("(modftpd.state=running)");
        Runnable r = (Runnable) context.getService(ref);
        try {
            r.run();
        } finally {
            context.ungetService(ref);
        }
    }

    protected Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    protected Bundle self() {
        return FrameworkUtil.getBundle(getClass());
    }

    /** Waits until the set of loaded modules satisfies a condition. */
    protected void awaitModules(String description, Predicate<List<String>> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Object lock = new Object();
        org.osgi.framework.ServiceListener listener = event -> {
            synchronized (lock) {
                lock.notifyAll();
            }
        };
        context.addServiceListener(listener, "(modftpd.action=reload)");
        try {
            synchronized (lock) {
                while (!condition.test(modules0())) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("modules never became " + description + ": " + modules0());
                    }
                    lock.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                }
            }
        } finally {
            context.removeServiceListener(listener);
        }
    }

    private List<String> modules0() throws InvalidSyntaxException {
        ServiceReference<?>[] refs = context.getServiceReferences(Runnable.class.getName(), "(modftpd.action=reload)");
        if (refs == null) {
            return List.of();
        }
        return List.of((String[]) refs[0].getProperty("modftpd.modules"));
    }
}
