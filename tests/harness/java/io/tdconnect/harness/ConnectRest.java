package io.tdconnect.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The Kafka Connect REST API, as the tests and ./tests/stack use it. */
public final class ConnectRest {
  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public ConnectRest(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public static final class Response {
    public final int status;
    public final String body;

    Response(int status, String body) {
      this.status = status;
      this.body = body;
    }

    public Map<String, Object> object() {
      return MiniJson.object(body);
    }

    public List<Object> array() {
      return MiniJson.array(body);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Response get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Response delete(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  public Response post(String path, Object json) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(MiniJson.write(json))));
  }

  public Response put(String path, Object json) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(MiniJson.write(json))));
  }

  private Response send(HttpRequest.Builder b) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body());
  }

  /** The {@code {"name","config"}} body of POST /connectors. */
  public static Map<String, Object> connectorBody(String name, Map<String, Object> config) {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("name", name);
    body.put("config", config);
    return body;
  }

  /** Creates a connector from a {@code {"name","config"}} map; fails unless 201. */
  public void createConnector(Map<String, Object> nameAndConfig) throws IOException, InterruptedException {
    Response r = post("/connectors", nameAndConfig);
    if (r.status != 201) {
      throw new IOException("creating connector failed: " + r);
    }
  }

  /** Waits until the connector and all its tasks are RUNNING; fails early on FAILED. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> awaitRunning(String connector, int tasks, long timeoutMs)
      throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    Response last = null;
    while (System.currentTimeMillis() < deadline) {
      last = get("/connectors/" + connector + "/status");
      if (last.status == 200) {
        Map<String, Object> status = last.object();
        String state = (String) ((Map<String, Object>) status.get("connector")).get("state");
        List<Object> taskList = (List<Object>) status.get("tasks");
        boolean allRunning = "RUNNING".equals(state) && taskList.size() == tasks;
        for (Object t : taskList) {
          String ts = (String) ((Map<String, Object>) t).get("state");
          if ("FAILED".equals(ts)) {
            throw new IOException("task FAILED: " + last);
          }
          allRunning &= "RUNNING".equals(ts);
        }
        if ("FAILED".equals(state)) {
          throw new IOException("connector FAILED: " + last);
        }
        if (allRunning) {
          return status;
        }
      }
      Thread.sleep(250);
    }
    throw new IOException(connector + " not RUNNING after " + timeoutMs + " ms: " + last);
  }

  /** Waits until a task of the connector is FAILED; returns its trace. */
  @SuppressWarnings("unchecked")
  public String awaitTaskFailure(String connector, long timeoutMs) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    Response last = null;
    while (System.currentTimeMillis() < deadline) {
      last = get("/connectors/" + connector + "/status");
      if (last.status == 200) {
        for (Object t : (List<Object>) last.object().get("tasks")) {
          Map<String, Object> task = (Map<String, Object>) t;
          if ("FAILED".equals(task.get("state"))) {
            return String.valueOf(task.get("trace"));
          }
        }
      }
      Thread.sleep(250);
    }
    throw new IOException(connector + " has no FAILED task after " + timeoutMs + " ms: " + last);
  }

  public boolean ready() {
    try {
      return get("/").status == 200;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
