package dev.summarizer.serving;

import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;

/**
 * Whether the client of a request has closed its connection, so its summary is no longer wanted.
 *
 * <p>Jetty does not read an HTTP/1.1 connection while a request on it is being handled, so it learns of a
 * closed connection only when it writes the answer. While the handler waits, {@link #gone()} therefore reads
 * the socket itself, without blocking: end of stream means the client left. Bytes instead mean a pipelined
 * next request, which this read has consumed; the answer then closes the connection (clients resend
 * pipelined requests a server did not answer). Other protocols report failures to Jetty's failure listeners.
 */
final class ClientConnection {
    private final EndPoint endPoint;
    private final boolean http1;
    private final AtomicBoolean gone = new AtomicBoolean();
    private boolean consumedInput;

    private ClientConnection(EndPoint endPoint, boolean http1) {
        this.endPoint = endPoint;
        this.http1 = http1;
    }

    static ClientConnection watch(Context ctx) {
        Request request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request == null) {
            return new ClientConnection(null, false);
        }
        var meta = request.getConnectionMetaData();
        ClientConnection connection = new ClientConnection(meta.getConnection().getEndPoint(),
                meta.getHttpVersion() == HttpVersion.HTTP_1_1 || meta.getHttpVersion() == HttpVersion.HTTP_1_0);
        request.addFailureListener(failure -> connection.gone.set(true));
        return connection;
    }

    boolean gone() {
        if (gone.get()) {
            return true;
        }
        if (http1 && endPoint != null && !consumedInput) {
            try {
                ByteBuffer probe = BufferUtil.allocate(1);
                int read = endPoint.fill(probe);
                if (read < 0) {
                    gone.set(true);
                } else if (read > 0) {
                    consumedInput = true;
                }
            } catch (IOException e) {
                gone.set(true);
            }
        }
        return gone.get() || !(endPoint == null || endPoint.isOpen());
    }

    /** Whether this connection must close after the answer (a probe read part of a pipelined request). */
    boolean mustClose() {
        return consumedInput;
    }
}
