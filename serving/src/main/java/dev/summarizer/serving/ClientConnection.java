package dev.summarizer.serving;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/** Whether the client of a request has closed its connection (so its summary is no longer wanted). */
final class ClientConnection {
    private ClientConnection() {}

    static boolean gone(Context ctx) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request == null) {
            return false;
        }
        var endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        return !endPoint.isOpen() || endPoint.isInputShutdown();
    }
}
