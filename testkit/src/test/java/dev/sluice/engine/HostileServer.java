package dev.sluice.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP endpoint on loopback that misbehaves below what MockWebServer can script: it reads each
 * request, then trickles its status line and headers a byte at a time, streams a body without end,
 * or says nothing at all. Every connection stops after a minute at most, or when the server closes.
 */
final class HostileServer implements AutoCloseable {

  /** How the server misbehaves once it has read a request. */
  enum Mode { TRICKLE_HEADER, ENDLESS_BODY, SILENT }

  private static final long MAX_MILLIS = 60_000;

  private final ServerSocket socket;
  private final Mode mode;
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile boolean closed;

  HostileServer(Mode mode) throws IOException {
    this.mode = mode;
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "hostile-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  int requests() {
    return requests.get();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket connection = socket.accept();
        connections.add(connection);
        Thread t = new Thread(() -> serve(connection), "hostile-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket connection) {
    long end = System.currentTimeMillis() + MAX_MILLIS;
    try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
      while (!closed && readRequest(in)) {
        requests.incrementAndGet();
        switch (mode) {
          case TRICKLE_HEADER:
            byte[] head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: ".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; !closed && System.currentTimeMillis() < end; i++) {
              out.write(i < head.length ? head[i] : 'a');
              out.flush();
              Thread.sleep(50);
            }
            return;
          case ENDLESS_BODY:
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            out.write("1\r\n[\r\n".getBytes(StandardCharsets.US_ASCII));
            while (!closed && System.currentTimeMillis() < end) {
              out.write("2\r\n0,\r\n".getBytes(StandardCharsets.US_ASCII));
              out.flush();
              Thread.sleep(20);
            }
            return;
          default:
            while (!closed && System.currentTimeMillis() < end) {
              Thread.sleep(20);
            }
            return;
        }
      }
    } catch (IOException | InterruptedException e) {
      // the client gave up: what this server is for
    }
  }

  /** Reads one request's head and its Content-Length body; false at the end of the stream. */
  private static boolean readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      head.append((char) b);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    if (b < 0) {
      return false;
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.readNBytes(length);
    return true;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    socket.close();
    for (Socket connection : connections) {
      connection.close();
    }
  }
}
