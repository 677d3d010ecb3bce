/**
 * What modules are handed: the session, the command being dispatched, the configuration the session
 * sees, the jailed file view and the logged-in identity.
 *
 * <p>Everything here is an interface or an immutable value. Modules keep per-session state in
 * {@link org.modftpd.api.Session#notes()} using JDK types only, so that a module revision can be
 * replaced under a live session and the next revision still reads what the previous one stored.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.modftpd.api;
