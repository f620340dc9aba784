package dev.lanyard.loadtest.scenario;

import dev.lanyard.loadtest.endpoint.LoopbackTarget;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.Map;

/**
 * Unauthenticated HTTP for setup steps that are not admin API calls: the browser side of sign-in and one probe of a
 * scenario's plan. Redirects are never followed, so a 303 and its Location can be read, as a browser driver would.
 */
final class PlainHttp implements AutoCloseable {

    /** Status, headers and body of one answer. The body may hold tokens: never print it for a 2xx. */
    record Answer(int status, MultiMap headers, String body) {

        String excerpt() {
            return body.length() > 300 ? body.substring(0, 300) + "..." : body;
        }
    }

    private final HttpClient client;

    PlainHttp(Vertx vertx, LoopbackTarget target) {
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setDefaultHost(target.socketHost())
                .setDefaultPort(target.port()));
    }

    Future<Answer> get(String pathAndQuery, Map<String, String> headers) {
        return send(HttpMethod.GET, pathAndQuery, headers, null);
    }

    Future<Answer> postForm(String path, Map<String, String> form, Map<String, String> headers) {
        return send(HttpMethod.POST, path, withFormType(headers), Buffer.buffer(FormBody.encode(form)));
    }

    /** Sends a scenario's request once, as the generator will. */
    Future<Answer> send(RequestPlan plan) {
        return send(plan.method(), plan.path(), plan.headers(), plan.hasBody() ? plan.body().get() : null);
    }

    private Future<Answer> send(HttpMethod method, String uri, Map<String, String> headers, Buffer body) {
        RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).setIdleTimeout(30_000)
                .setFollowRedirects(false);
        headers.forEach(options::putHeader);
        return client.request(options)
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.headers(), b.toString())));
    }

    private static Map<String, String> withFormType(Map<String, String> headers) {
        java.util.LinkedHashMap<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put("Content-Type", FormBody.CONTENT_TYPE);
        return all;
    }

    @Override
    public void close() {
        client.close();
    }
}
