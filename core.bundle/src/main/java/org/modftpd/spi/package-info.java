/**
 * What modules implement. A module is one {@link org.modftpd.spi.FtpModule} service (registered with
 * Declarative Services) that contributes directives, sections, command handlers, an auth provider
 * and session hooks. The core's own commands are modules registered the same way.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.modftpd.spi;
