package monet.infra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for drawing-agent:8000 on a loopback port: plain HTTP/1.1 answers
 * {@code api PATH} (with the forwarding headers it saw), and {@code /ws} speaks the real
 * WebSocket protocol (RFC 6455 handshake, masked client frames, an echo of each text message
 * as {@code echo:TEXT}, the close handshake). Raw sockets, because the JDK's HTTP server
 * cannot switch protocols.
 */
final class StandInApi implements AutoCloseable {
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final Thread acceptor;

    StandInApi() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "stand-in-api");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread worker = new Thread(() -> serve(socket), "stand-in-api-conn");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            Map<String, String> request = readHead(in);
            if (request == null) {
                return;
            }
            requests.add(request);
            if ("websocket".equalsIgnoreCase(request.getOrDefault("upgrade", ""))) {
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((request.get("sec-websocket-key") + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII)));
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                echoFrames(in, out);
                return;
            }
            String body = "api " + request.get(":path") + " proto=" + request.get("x-forwarded-proto")
                    + " host=" + request.get("host") + " for=" + request.get("x-forwarded-for") + "\n";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + bytes.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
        } catch (Exception e) {
            // a client that went away
        }
    }

    private static void echoFrames(InputStream in, OutputStream out) throws IOException {
        while (true) {
            int b0 = in.read();
            int b1 = in.read();
            if (b0 < 0 || b1 < 0) {
                return;
            }
            int opcode = b0 & 0x0F;
            long length = b1 & 0x7F;
            if (length == 126) {
                length = (in.read() << 8) | in.read();
            } else if (length == 127) {
                throw new IOException("frames this large are not expected here");
            }
            byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
            byte[] payload = in.readNBytes((int) length);
            if (mask == null) {
                throw new IOException("client frames must be masked (RFC 6455 5.1)");
            }
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            if (opcode == 0x8) {
                writeFrame(out, 0x8, payload);
                return;
            }
            if (opcode == 0x1) {
                writeFrame(out, 0x1, ("echo:" + new String(payload, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void writeFrame(OutputStream out, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(payload.length);
        } else {
            frame.write(126);
            frame.write(payload.length >> 8);
            frame.write(payload.length & 0xFF);
        }
        frame.write(payload);
        out.write(frame.toByteArray());
        out.flush();
    }

    /** The request line and headers (names lower-cased; ":path" is the target), or null at EOF. */
    private static Map<String, String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String text = line.toString().replaceAll("\r$", "");
                if (text.isEmpty()) {
                    break;
                }
                lines.add(text);
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
        if (lines.isEmpty()) {
            return null;
        }
        Map<String, String> head = new LinkedHashMap<>();
        String[] requestLine = lines.get(0).split(" ");
        head.put(":method", requestLine[0]);
        head.put(":path", requestLine[1]);
        for (String header : lines.subList(1, lines.size())) {
            int colon = header.indexOf(':');
            head.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        return head;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
