package org.modftpd.core.internal.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TcpCorkTest {

    @Test
    void onLinuxWithSunNioChOpenedACorkedPartialSegmentWaitsForTheUncork() throws Exception {
        assumeTrue(System.getProperty("os.name", "").startsWith("Linux"));
        // the surefire argLine opens sun.nio.ch as bin/modftpd does: the JDK's internals must still fit
        assertTrue(TcpCork.available(), "TCP_CORK through sun.nio.ch is not available on this JDK");
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel sender = SocketChannel.open(listener.getLocalAddress());
                    SocketChannel receiver = listener.accept()) {
                receiver.configureBlocking(false);
                ByteBuffer in = ByteBuffer.allocate(1000);

                TcpCork.set(sender, true);
                long written = System.nanoTime();
                sender.write(ByteBuffer.wrap(new byte[100]));
                int early = receiver.read(in);
                // Linux sends corked data anyway after 200 ms: only a check made well before that counts
                assumeTrue(System.nanoTime() - written < TimeUnit.MILLISECONDS.toNanos(150));
                assertEquals(0, early, "a corked socket sent a part-filled segment");

                TcpCork.set(sender, false);
                receiver.configureBlocking(true);
                while (in.position() < 100) {
                    assertTrue(receiver.read(in) > 0);
                }
                assertEquals(100, in.position());
            }
        }
    }
}
