package dev.sluice.http;

import java.io.IOException;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.impl.io.DefaultHttpRequestWriter;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.message.BasicLineFormatter;
import org.apache.hc.core5.http.message.RequestLine;
import org.apache.hc.core5.util.CharArrayBuffer;

/**
 * Keeps a request's query string out of HttpClient's own DEBUG lines: its transport logs
 * {@code getRequestUri()} of the request it sends, query included, and a query may carry a token
 * (a webhook URL's {@code ?token=}). Just before the transport, {@link #HANDLER} hands it a copy whose
 * {@code getRequestUri()} shows the query masked; the connection's {@link Writer} puts the real one
 * on the wire.
 */
final class QuietRequestLine {

  /** What HttpClient's own lines show in place of a query. */
  static final String MASKED_QUERY = "?***";

  /** The exec-chain element, placed before HttpClient's main transport. */
  static final ExecChainHandler HANDLER = QuietRequestLine::execute;

  private QuietRequestLine() {}

  private static ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
      throws IOException, HttpException {
    String uri = request.getRequestUri();
    if (uri == null || uri.indexOf('?') < 0) {
      return chain.proceed(request, scope);
    }
    Masked copy = new Masked(request, uri);
    return chain.proceed(copy, scope);
  }

  /** A copy of a request that shows its query masked to everything but the wire. */
  private static final class Masked extends BasicClassicHttpRequest {
    private static final long serialVersionUID = 1L;

    /** The request URI as sent: path and query. */
    private final String wireUri;

    Masked(ClassicHttpRequest original, String wireUri) {
      super(original.getMethod(), original.getScheme(), original.getAuthority(), original.getPath());
      this.wireUri = wireUri;
      setVersion(original.getVersion());
      setHeaders(original.getHeaders());
      setEntity(original.getEntity());
    }

    @Override
    public String getRequestUri() {
      return wireUri.substring(0, wireUri.indexOf('?')) + MASKED_QUERY;
    }

    @Override
    public String toString() {
      return getMethod() + " " + getRequestUri();
    }
  }

  /** Writes the real request line of a {@link Masked} request. */
  static final class Writer extends DefaultHttpRequestWriter {
    @Override
    protected void writeHeadLine(ClassicHttpRequest message, CharArrayBuffer lineBuf) throws IOException {
      String uri = message instanceof Masked masked ? masked.wireUri : message.getRequestUri();
      BasicLineFormatter.INSTANCE.formatRequestLine(lineBuf, new RequestLine(message.getMethod(), uri,
          protocolVersion(message)));
    }
  }
}
