package dev.sluice.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sluice.delivery.RequestCounter;
import dev.sluice.destination.RateLimitedException;
import dev.sluice.destination.RetryableDestinationException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.impl.io.SocketHolder;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP client every HTTP connector shares: JSON over Apache HttpClient 5 and Jackson, with a
 * base URL, authentication, timeouts, TLS verification (the JVM's trust store; there is no switch
 * to turn it off), no redirects, and DEBUG logs of requests and responses with secrets masked
 * (see {@link Redaction}). HttpClient's own wire and header logs are switched off for its
 * connections, since they would print credentials.
 *
 * <pre>{@code
 * JsonClient api = JsonClient.builder("https://api.example.com")
 *     .auth(AuthProvider.bearer(token))
 *     .rateLimiter(budget)                       // every request takes a permit
 *     .responseListener(response -> budget.observe(limit(response), remaining(response)))
 *     .build();
 * JsonResponse r = api.post("/v1/contacts/batch", body).throwIfFailed();
 * }</pre>
 *
 * <p><b>Rate limit.</b> With {@link Builder#rateLimiter(RateLimiter)}, every request — the resend
 * after a 401 included — first takes a permit from the budget and reports its end to it (so a
 * {@link dev.sluice.delivery.RollingWindowRateLimiter} knows what is in flight when it reads the
 * API's headers). A destination built so declares
 * {@link dev.sluice.destination.Capabilities.Builder#requestsTakePermits}.
 *
 * <p><b>Time.</b> Each request must complete — connect, send, and the whole response read —
 * within {@link Builder#requestTimeout(Duration)}; a server that trickles its headers or streams
 * an endless body is cut off then, not held onto read by read. Responses larger than
 * {@link Builder#maxResponseBytes(long)} are refused.
 *
 * <p>Calls return every HTTP status as a {@link JsonResponse}; {@link JsonResponse#throwIfFailed()}
 * classifies it. I/O errors, refused connections and timeouts throw
 * {@link RetryableDestinationException}. A 401 is shown to the {@link AuthProvider}, which may
 * refresh its credentials; the request is then sent once more. Thread-safe; close it when done.
 */
public final class JsonClient implements AutoCloseable {

  /** Time to establish a connection, unless configured. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Time to wait for a response, unless configured. */
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
  /** The largest response body read, unless configured. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 64L << 20;
  private static final int LOGGED_BODY_CHARS = 2_000;

  private static final Logger log = LoggerFactory.getLogger(JsonClient.class);
  private static final java.util.concurrent.atomic.AtomicLong CONNECTIONS = new java.util.concurrent.atomic.AtomicLong();
  /** Cuts off requests that outlive their deadline; one daemon thread for every client. */
  private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

  private final String baseUrl;
  private final AuthProvider auth;
  private final Map<String, String> defaultHeaders;
  private final Consumer<JsonResponse> responseListener;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final CloseableHttpClient http;
  private final Set<String> extraSecrets;
  private final io.micrometer.core.instrument.MeterRegistry meters;
  private final String metricsName;
  private final RateLimiter rateLimiter;
  private final Duration requestTimeout;
  private final long maxResponseBytes;

  private JsonClient(Builder b) {
    this.baseUrl = b.baseUrl;
    this.auth = b.auth;
    this.defaultHeaders = Map.copyOf(b.defaultHeaders);
    this.responseListener = b.responseListener;
    this.mapper = b.mapper;
    this.clock = b.clock;
    this.extraSecrets = Set.copyOf(b.secrets);
    this.meters = b.meters;
    this.metricsName = b.metricsName;
    this.rateLimiter = b.rateLimiter;
    this.requestTimeout = b.requestTimeout != null ? b.requestTimeout : b.connectTimeout.plus(b.responseTimeout);
    this.maxResponseBytes = b.maxResponseBytes;
    this.http = HttpClients.custom()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            // Connections that never log: HttpClient's own wire and header logs would print
            // credentials at DEBUG; this client logs requests itself, redacted.
            .setConnectionFactory(socket -> {
              QuietConnection connection = new QuietConnection("sluice-" + CONNECTIONS.incrementAndGet());
              if (socket != null) {
                connection.bind(socket);
              }
              return connection;
            })
            .setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(b.connectTimeout))
                .setSocketTimeout(Timeout.of(b.responseTimeout))
                .build())
            .setMaxConnTotal(b.maxConnections)
            .setMaxConnPerRoute(b.maxConnections)
            .build())
        .setDefaultRequestConfig(RequestConfig.custom()
            .setResponseTimeout(Timeout.of(b.responseTimeout))
            .setRedirectsEnabled(false)
            .build())
        .disableRedirectHandling()
        .disableAutomaticRetries()
        // Cookies would be logged by HttpClient (a session cookie is a credential); APIs need none.
        .disableCookieManagement()
        .addExecInterceptorBefore(ChainElement.MAIN_TRANSPORT.name(), "sluice-quiet-request-line",
            QuietRequestLine.HANDLER)
        .setUserAgent(b.userAgent)
        .build();
  }

  /**
   * Starts a client for the API at {@code baseUrl} (https://…, or http:// for loopback tests).
   *
   * @param baseUrl the API's base URL
   * @return a builder to configure it with
   */
  public static Builder builder(String baseUrl) {
    return new Builder(baseUrl);
  }

  /**
   * GET {@code path}.
   *
   * @param path the path below the base URL
   * @return the response, whatever its status
   */
  public JsonResponse get(String path) {
    return send("GET", path, null, null, Map.of());
  }

  /**
   * POST {@code body} (serialised as JSON) to {@code path}.
   *
   * @param path the path below the base URL
   * @param body the body
   * @return the response, whatever its status
   */
  public JsonResponse post(String path, Object body) {
    return send("POST", path, json(body), JSON, Map.of());
  }

  /**
   * POST an {@code application/x-www-form-urlencoded} body, as OAuth token endpoints expect.
   *
   * @param path the path below the base URL
   * @param fields the form fields, in order
   * @return the response, whatever its status
   */
  public JsonResponse postForm(String path, Map<String, String> fields) {
    StringBuilder form = new StringBuilder();
    fields.forEach((name, value) -> form.append(form.length() == 0 ? "" : "&")
        .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return send("POST", path, form.toString().getBytes(StandardCharsets.UTF_8),
        "application/x-www-form-urlencoded; charset=ISO-8859-1", Map.of());
  }

  /** The media type of JSON bodies: {@code application/json; charset=UTF-8}. */
  public static final String JSON = "application/json; charset=UTF-8";

  /**
   * Sends a request.
   *
   * @param body the raw body, or null
   * @param headers extra headers for this request
   * @param method the HTTP method
   * @param path the path below the base URL
   * @param contentType the body's media type, such as {@link #JSON}; ignored without a body
   * @return the response, whatever its status
   */
  public JsonResponse send(String method, String path, byte[] body, String contentType, Map<String, String> headers) {
    JsonResponse response = once(method, path, body, contentType, headers);
    if (response.status() == 401 && auth.refreshAfterUnauthorized(response)) {
      log.debug("401 from {} {}: credentials refreshed, sending once more", method, Redaction.url(path));
      response = once(method, path, body, contentType, headers);
    }
    return response;
  }

  private JsonResponse once(String method, String path, byte[] body, String contentType, Map<String, String> headers) {
    String url = baseUrl + path;
    HttpUriRequestBase request = new HttpUriRequestBase(method, URI.create(url));
    request.addHeader("Accept", "application/json");
    Map<String, String> all = new LinkedHashMap<>(defaultHeaders);
    all.putAll(auth.headers());
    all.putAll(headers);
    all.forEach(request::setHeader);
    if (body != null) {
      request.setEntity(new ByteArrayEntity(body, ContentType.parse(contentType)));
    }
    Collection<String> secrets = secrets();
    String shownPath = Redaction.secretsMasked(Redaction.url(path), secrets);
    if (log.isDebugEnabled()) {
      log.debug("-> {} {} headers {} body {}", method, Redaction.secretsMasked(Redaction.url(url), secrets),
          redactedHeaders(request.getHeaders(), secrets),
          body == null ? "(none)" : Redaction.body(new String(body, StandardCharsets.UTF_8), secrets, LOGGED_BODY_CHARS));
    }
    takePermit(method, shownPath);
    RequestCounter.countRequest();
    long start = System.nanoTime();
    AtomicBoolean cutOff = new AtomicBoolean();
    ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
      cutOff.set(true);
      request.cancel();
    }, requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
    JsonResponse response;
    try {
      response = http.execute(request, r -> {
        byte[] bytes = r.getEntity() == null ? new byte[0] : read(r.getEntity().getContent());
        Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
        for (Header h : r.getHeaders()) {
          responseHeaders.computeIfAbsent(h.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
        }
        String redacted = Redaction.body(new String(bytes, StandardCharsets.UTF_8), secrets, LOGGED_BODY_CHARS);
        return new JsonResponse(method, shownPath, r.getCode(), responseHeaders, bytes, mapper, clock, redacted);
      });
    } catch (IOException | RuntimeException e) {
      deadline.cancel(false);
      if (rateLimiter != null) {
        rateLimiter.onError(e);
      }
      if (e instanceof RuntimeException && !cutOff.get()) {
        throw (RuntimeException) e;
      }
      record(method, "io_error", start);
      String what = cutOff.get()
          ? "it did not complete within the request timeout of " + requestTimeout + " (connect, send and the whole response)"
          : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      log.debug("<- {} {} failed after {} ms: {}", method, shownPath, (System.nanoTime() - start) / 1_000_000,
          Redaction.secretsMasked(what, secrets));
      String message = "calling " + method + " " + shownPath + " failed: " + Redaction.secretsMasked(what, secrets);
      // Before a connection exists nothing was sent; after, the server may have acted on it.
      throw neverSent(e) && !cutOff.get() ? new RetryableDestinationException(message, e)
          : RetryableDestinationException.answerLost(message, e);
    }
    deadline.cancel(false);
    if (rateLimiter != null) {
      rateLimiter.onResult(response);
    }
    record(method, Integer.toString(response.status()), start);
    if (log.isDebugEnabled()) {
      log.debug("<- {} {} {} in {} ms body {}", response.status(), method, shownPath, (System.nanoTime() - start) / 1_000_000,
          response.excerpt());
    }
    if (responseListener != null) {
      responseListener.accept(response);
    }
    return response;
  }

  /** Whether {@code e} failed the request before anything could reach the server. */
  private static boolean neverSent(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
          || t instanceof java.net.NoRouteToHostException || t instanceof org.apache.hc.client5.http.ConnectTimeoutException
          || t instanceof org.apache.hc.client5.http.HttpHostConnectException) {
        return true;
      }
    }
    return false;
  }

  /** Takes a permit from the budget, if there is one, before a request. */
  private void takePermit(String method, String shownPath) {
    if (rateLimiter == null) {
      return;
    }
    long start = System.nanoTime();
    boolean granted = rateLimiter.acquirePermission();
    RequestCounter.countRateLimitWait(Duration.ofNanos(System.nanoTime() - start));
    if (!granted) {
      if (Thread.currentThread().isInterrupted() || RequestCounter.stopRequested()) {
        throw new RetryableDestinationException("stopped while waiting for the rate limit '"
            + rateLimiter.getName() + "' before " + method + " " + shownPath);
      }
      throw new RateLimitedException("the rate limit '" + rateLimiter.getName() + "' granted no permit for "
          + method + " " + shownPath + " within its timeout of " + rateLimiter.getRateLimiterConfig().getTimeoutDuration(),
          Duration.ZERO);
    }
  }

  private byte[] read(InputStream in) throws IOException {
    if (in == null) {
      return new byte[0];
    }
    try (InputStream body = in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      long total = 0;
      int n;
      while ((n = body.read(buffer)) >= 0) {
        total += n;
        if (total > maxResponseBytes) {
          throw new IOException("the response body is larger than the limit of " + maxResponseBytes + " bytes");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    }
  }

  private static ScheduledThreadPoolExecutor deadlines() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "sluice-http-deadlines");
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  private void record(String method, String status, long startNanos) {
    if (meters != null) {
      io.micrometer.core.instrument.Timer.builder(dev.sluice.observe.MetricNames.HTTP_REQUESTS)
          .tag(dev.sluice.observe.MetricNames.TAG_DESTINATION, metricsName)
          .tag("method", method)
          .tag(dev.sluice.observe.MetricNames.TAG_STATUS, status)
          .register(meters)
          .record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  private Collection<String> secrets() {
    Set<String> all = new LinkedHashSet<>(auth.secrets());
    all.addAll(extraSecrets);
    return all;
  }

  private static String redactedHeaders(Header[] headers, Collection<String> secrets) {
    StringBuilder sb = new StringBuilder("{");
    for (Header h : headers) {
      sb.append(sb.length() == 1 ? "" : ", ").append(h.getName()).append('=')
          .append(Redaction.secretsMasked(Redaction.header(h.getName(), h.getValue()), secrets));
    }
    return sb.append('}').toString();
  }

  private byte[] json(Object body) {
    try {
      return mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the request body cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * {@code value} as JSON text, written as request bodies are: instants and dates as ISO-8601
   * text, decimals exactly.
   *
   * @param value a map, list, text, number, boolean, date or instant, or null
   * @return the JSON text
   * @throws IllegalArgumentException when the value cannot be written as JSON
   */
  public String toJson(Object value) {
    return new String(json(value), StandardCharsets.UTF_8);
  }

  /** {@return the budget every request takes a permit from, if the client has one} */
  public java.util.Optional<RateLimiter> rateLimiter() {
    return java.util.Optional.ofNullable(rateLimiter);
  }

  /** {@return how long a whole request may take: connect, send and the complete response} */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  @Override
  public void close() {
    try {
      http.close();
    } catch (IOException e) {
      log.debug("closing the HTTP client failed: {}", e.getMessage());
    }
  }

  /** A connection without HttpClient's wire and header logging, which would show credentials. */
  private static final class QuietConnection extends DefaultManagedHttpClientConnection {
    QuietConnection(String id) {
      super(id, null, null, null, null, null, QuietRequestLine.Writer::new, null);
    }

    @Override
    public void bind(java.net.Socket socket) throws IOException {
      bind(new SocketHolder(socket));
    }

    @Override
    public void bind(javax.net.ssl.SSLSocket sslSocket, java.net.Socket socket) throws IOException {
      bind(new SocketHolder(sslSocket, socket));
    }

    @Override
    protected void onRequestSubmitted(ClassicHttpRequest request) {
      // HttpClient logs every header here, Authorization included.
    }

    @Override
    protected void onResponseReceived(org.apache.hc.core5.http.ClassicHttpResponse response) {
      // As above, for response headers (Set-Cookie, tokens).
    }
  }

  /** Configures a {@link JsonClient}; each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private final String baseUrl;
    private AuthProvider auth = AuthProvider.none();
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
    private int maxConnections = 20;
    private String userAgent = "sluice";
    private final Map<String, String> defaultHeaders = new LinkedHashMap<>();
    private Consumer<JsonResponse> responseListener;
    private RateLimiter rateLimiter;
    private Duration requestTimeout;
    private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
    private final ObjectMapper mapper = new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private Clock clock = Clock.systemUTC();
    private final Set<String> secrets = new LinkedHashSet<>();
    private io.micrometer.core.instrument.MeterRegistry meters;
    private String metricsName;

    private Builder(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      if (!baseUrl.startsWith("https://") && !baseUrl.startsWith("http://")) {
        throw new IllegalArgumentException("baseUrl must start with https:// (or http:// for local tests), was '"
            + Redaction.url(baseUrl) + "'");
      }
      this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /**
     * How requests are authenticated; default none.
     *
     * @param auth how requests are authenticated
     * @return this builder
     */
    public Builder auth(AuthProvider auth) {
      this.auth = Objects.requireNonNull(auth, "auth");
      return this;
    }

    /**
     * Time to establish a connection; default {@link #DEFAULT_CONNECT_TIMEOUT}.
     *
     * @param timeout the time to wait
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Time to wait for a response, and between two reads of it; default
     * {@link #DEFAULT_RESPONSE_TIMEOUT}. See also {@link #requestTimeout(Duration)}.
     *
     * @param timeout the time to wait
     * @return this builder
     */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = positive(timeout, "responseTimeout");
      return this;
    }

    /**
     * The whole-request deadline: connect, send and read the complete response within
     * {@code timeout}, however the server trickles it; default the connect timeout plus the
     * response timeout. A request cut off is a retryable failure.
     *
     * @param timeout the whole-request deadline; positive
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * The largest response body read; larger ones fail as retryable. Default 64 MiB.
     *
     * @param bytes the limit, at least 1
     * @return this builder
     */
    public Builder maxResponseBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxResponseBytes must be at least 1, was " + bytes);
      }
      this.maxResponseBytes = bytes;
      return this;
    }

    /**
     * The budget every request takes a permit from before it is sent — batch writes, reads that
     * resolve ids, schema reads, job polls, token calls alike — and reports its end to. Build a
     * connector's client with its API's budget and declare
     * {@link dev.sluice.destination.Capabilities.Builder#requestsTakePermits} with the same one:
     * the count is then exact, whatever a write costs. When no permit comes within the limiter's
     * timeout, the request fails as a {@link RateLimitedException}.
     *
     * @param budget the API's budget
     * @return this builder
     */
    public Builder rateLimiter(RateLimiter budget) {
      this.rateLimiter = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /**
     * Connections kept open to the API; default 20.
     *
     * @param connections connections, at least 1
     * @return this builder
     */
    public Builder maxConnections(int connections) {
      if (connections < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1, was " + connections);
      }
      this.maxConnections = connections;
      return this;
    }

    /**
     * The User-Agent header; default {@code sluice}.
     *
     * @param userAgent the User-Agent header
     * @return this builder
     */
    public Builder userAgent(String userAgent) {
      this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
      return this;
    }

    /**
     * A header sent with every request.
     *
     * @param name the header name
     * @param value the header value
     * @return this builder
     */
    public Builder defaultHeader(String name, String value) {
      defaultHeaders.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Called with every response: the hook for rate-limit headers and other feedback.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder responseListener(Consumer<JsonResponse> listener) {
      this.responseListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Times every request in {@code registry} as {@code sluice.http.requests}, tagged with the
     * destination's {@code name}, the method and the status (or {@code io_error}).
     *
     * @param registry the meter registry
     * @param name the destination's name, for the {@code destination} tag
     * @return this builder
     */
    public Builder metrics(io.micrometer.core.instrument.MeterRegistry registry, String name) {
      this.meters = Objects.requireNonNull(registry, "registry");
      this.metricsName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * A value that must never appear in logs, beyond the auth provider's own.
     *
     * @param value the secret value
     * @return this builder
     */
    public Builder secret(String value) {
      secrets.add(Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * The clock for {@code Retry-After} dates; default the system clock.
     *
     * @param clock the clock to read the time from
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the client.
     *
     * @return the client
     */
    public JsonClient build() {
      return new JsonClient(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
