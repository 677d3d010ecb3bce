package org.modftpd.core.internal.server;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Waits until the framework has settled before the configuration is first read: the framework is
 * started, no bundle is starting, every bundle meant to run at the current start level runs and has
 * had its components registered, and every jar in the drop-in folder has been installed. Modules'
 * directives are then known, so a configuration that uses them does not fail only because a module
 * was a moment late.
 *
 * <p>A bundle is {@code ACTIVE} a moment before its Declarative Services components are registered:
 * SCR registers them while the framework delivers the bundle's {@code STARTED} event to synchronous
 * listeners. This listener is asynchronous, and the framework queues an event for asynchronous
 * listeners only after every synchronous one has returned; so a bundle that started after
 * {@linkplain #FrameworkSettle(BundleContext, Path) construction} counts only once its {@code STARTED} event has arrived here.
 * Construct it in the component's activation, before the framework can start the drop-in modules.
 */
final class FrameworkSettle implements BundleListener, FrameworkListener {

    private final BundleContext context;
    private final Path dropIn;
    private final Object changed = new Object();
    /** Bundles already active when this listener was added: their components are registered. */
    private final Set<Long> activeBefore = new HashSet<>();
    /** The last bundle event delivered here, per bundle id (guarded by {@link #changed}). */
    private final Map<Long, Integer> lastEvent = new HashMap<>();
    /** What {@link #await} was last waiting for (guarded by {@link #changed}). */
    private String waitingFor;

    /** Starts listening at once; call {@link #await} later, which also stops listening. */
    FrameworkSettle(BundleContext context, Path dropIn) {
        this.context = context;
        this.dropIn = dropIn;
        context.addBundleListener(this);
        context.addFrameworkListener(this);
        for (Bundle b : context.getBundles()) {
            if (b.getState() == Bundle.ACTIVE) {
                activeBefore.add(b.getBundleId());
            }
        }
    }

    /** Stops listening (also done by {@link #await}). */
    void close() {
        try {
            context.removeBundleListener(this);
            context.removeFrameworkListener(this);
        } catch (IllegalStateException stopping) {
            // the bundle is going away with its listeners
        }
    }

    /** Returns true when settled, false when {@code limit} passed first. */
    boolean await(Duration limit) throws InterruptedException {
        try {
            long deadline = System.nanoTime() + limit.toNanos();
            synchronized (changed) {
                while ((waitingFor = unsettled()) != null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    changed.wait(Math.max(1, Math.min(left / 1_000_000, 250)));
                }
            }
            return true;
        } finally {
            close();
        }
    }

    /** What the framework is still waiting for, in words, or null once it has settled. */
    String waitingFor() {
        synchronized (changed) {
            return waitingFor;
        }
    }

    private String unsettled() {
        Bundle system = context.getBundle(0);
        if (system.getState() != Bundle.ACTIVE) {
            return "the framework to reach its start level";
        }
        int level = Math.max(system.adapt(FrameworkStartLevel.class).getStartLevel(), beginningLevel());
        Set<Path> locations = new HashSet<>();
        for (Bundle b : context.getBundles()) {
            Path file = locationPath(b.getLocation());
            if (file != null) {
                locations.add(file);
            }
            if (b.getHeaders().get("Fragment-Host") != null) {
                continue;
            }
            int state = b.getState();
            if ((state == Bundle.STARTING && !lazy(b)) || state == Bundle.STOPPING) {
                return describe(b, state == Bundle.STARTING ? "starting" : "stopping");
            }
            if (state == Bundle.ACTIVE && b.getBundleId() != 0 && !startedHere(b.getBundleId())) {
                return describe(b, "started, its listeners not yet told");
            }
            if (inDropIn(b)) {
                if (state == Bundle.INSTALLED && !startAttempted(b)) {
                    return describe(b, "installed, not yet started");
                }
                if (state == Bundle.RESOLVED && !startAttempted(b)) {
                    return describe(b, "resolved, not yet started");
                }
                if (state == Bundle.ACTIVE && !componentsRegistered(b)) {
                    return describe(b, "active, its components not yet registered");
                }
                continue;
            }
            if (state == Bundle.RESOLVED) {
                BundleStartLevel bsl = b.adapt(BundleStartLevel.class);
                if (bsl != null && bsl.isPersistentlyStarted() && bsl.getStartLevel() <= level) {
                    return describe(b, "resolved, not yet started");
                }
            }
        }
        return dropInInstalled(locations);
    }

    private static String describe(Bundle b, String state) {
        return b.getSymbolicName() + " (" + state + ")";
    }

    /**
     * Whether Declarative Services has finished with a started module bundle: every component it
     * enables by default has a configuration (active, satisfied or waiting for a reference). A bundle
     * is ACTIVE a moment before SCR, in its STARTED listener, registers the module's services; reading
     * the configuration in that moment left the module's directives unknown ("provided by mod_sql.c,
     * which is not loaded", or a silently skipped {@code <IfModule>}).
     */
    private boolean componentsRegistered(Bundle b) {
        if (b.getHeaders().get("Service-Component") == null) {
            return true;
        }
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        ServiceComponentRuntime scr = ref == null ? null : context.getService(ref);
        if (scr == null) {
            return true; // no SCR to ask: nothing to wait for
        }
        try {
            Collection<ComponentDescriptionDTO> components = scr.getComponentDescriptionDTOs(b);
            if (components.isEmpty()) {
                return false;
            }
            for (ComponentDescriptionDTO c : components) {
                if (!c.defaultEnabled || "require".equals(c.configurationPolicy)) {
                    continue;
                }
                Collection<ComponentConfigurationDTO> configurations = scr.getComponentConfigurationDTOs(c);
                if (configurations.isEmpty()) {
                    return false;
                }
                for (ComponentConfigurationDTO cc : configurations) {
                    // "unsatisfied" with nothing missing is SCR still on its way to registering it
                    if (cc.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                            && (cc.unsatisfiedReferences == null || cc.unsatisfiedReferences.length == 0)) {
                        return false;
                    }
                }
            }
            return true;
        } finally {
            context.ungetService(ref);
        }
    }

    /** The start level the framework is heading for ({@code org.osgi.framework.startlevel.beginning}). */
    private int beginningLevel() {
        String v = context.getProperty("org.osgi.framework.startlevel.beginning");
        try {
            return v == null ? 1 : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private boolean inDropIn(Bundle b) {
        if (dropIn == null) {
            return false;
        }
        Path file = locationPath(b.getLocation());
        return file != null && file.startsWith(dropIn.toAbsolutePath().normalize());
    }

    /**
     * The file a {@code file:} location names, or null. FileInstall's locations are URIs
     * ({@code file:/opt/my%20ftp/modules/x.jar}), so they are decoded rather than compared as text.
     */
    private static Path locationPath(String location) {
        if (location == null || !location.startsWith("file:")) {
            return null;
        }
        try {
            return Path.of(URI.create(location)).toAbsolutePath().normalize();
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            String raw = location.substring("file:".length());
            return raw.startsWith("/") ? Path.of(raw).toAbsolutePath().normalize() : null;
        }
    }

    /**
     * Whether FileInstall has asked for a module to start. The start is recorded before the framework
     * resolves and activates the bundle, and FileInstall starts the modules it finds at launch before
     * the framework reaches its start level; so a module still {@code INSTALLED} after that cannot
     * resolve (missing imports), one still {@code RESOLVED} failed to activate, and neither is worth
     * waiting for. The bundle is never resolved from here: a
     * resolve holds the framework's global lock, and a module that FileInstall starts in that moment
     * fails with "Unable to acquire global lock for resolve" and is never tried again.
     */
    private static boolean startAttempted(Bundle b) {
        BundleStartLevel level = b.adapt(BundleStartLevel.class);
        return level != null && level.isPersistentlyStarted();
    }

    private static boolean lazy(Bundle b) {
        String policy = b.getHeaders().get("Bundle-ActivationPolicy");
        return policy != null && policy.startsWith("lazy");
    }

    private String dropInInstalled(Set<Path> locations) {
        if (dropIn == null || !Files.isDirectory(dropIn)) {
            return null;
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dropIn, "*.jar")) {
            for (Path jar : jars) {
                if (!locations.contains(jar.toAbsolutePath().normalize())) {
                    return jar.getFileName() + " (not yet installed)";
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** Whether an active bundle's STARTED event has been through every synchronous listener. */
    private boolean startedHere(long id) {
        Integer last = lastEvent.get(id);
        return last == null ? activeBefore.contains(id) : last == BundleEvent.STARTED;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        synchronized (changed) {
            lastEvent.put(event.getBundle().getBundleId(), event.getType());
            changed.notifyAll();
        }
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        synchronized (changed) {
            changed.notifyAll();
        }
    }
}
