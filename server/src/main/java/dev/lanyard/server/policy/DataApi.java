package dev.lanyard.server.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.Json;
import dev.lanyard.server.oauth.FirstPartyAccessTokens;
import dev.lanyard.server.store.Database;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OPA's Data API ({@code /v1/data/{path}}), so existing OPA clients work against Lanyard unchanged:
 * {@code POST} with {@code {"input": …}} (or {@code GET}, optionally with {@code ?input=<json>}) answers
 * {@code {"result": …, "decision_id": …}}, without {@code result} when the document is undefined. Errors use OPA's
 * {@code {"code","message"}} form. {@code pretty}, {@code metrics} and {@code provenance} (the policy revision that decided) are honoured; OPA's
 * other query options ({@code explain}, {@code instrument}, {@code strict-builtin-errors}) are accepted and ignored.
 * Every evaluation goes to the decision log.
 */
public final class DataApi {
    private static final Logger LOG = LoggerFactory.getLogger(DataApi.class);
    private static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final String VERSION = String.valueOf(DataApi.class.getPackage().getImplementationVersion());

    private final PolicyDecisionPoint pdp;
    private final PdpAuthentication auth;
    private final DecisionLog decisions;
    private final AuditLog audit;
    private final Database db;

    public DataApi(PolicyDecisionPoint pdp, PdpAuthentication auth, DecisionLog decisions, AuditLog audit, Database db) {
        this.pdp = pdp;
        this.auth = auth;
        this.decisions = decisions;
        this.audit = audit;
        this.db = db;
    }

    public void mount(Router router, Handler<RoutingContext> readinessGate) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
        for (String path : new String[] {"/v1/data", "/v1/data/*"}) {
            // Vert.x wants the body handler first; it only buffers, nothing is parsed before the readiness gate
            router.post(path).handler(body).handler(readinessGate).handler(this::handle).failureHandler(this::failure);
            router.get(path).handler(readinessGate).handler(this::handle).failureHandler(this::failure);
        }
    }

    private void handle(RoutingContext ctx) {
        String path = documentPath(ctx.request().path());
        if (path == null) {
            error(ctx, 400, "invalid_parameter", "invalid path: segments must be non-empty");
            return;
        }
        JsonNode input;
        try {
            input = input(ctx);
        } catch (IllegalArgumentException e) {
            error(ctx, 400, "invalid_parameter", e.getMessage());
            return;
        }
        Caller caller = Caller.of(ctx);
        auth.authenticate(ctx.request().getHeader("Authorization"))
                .onFailure(e -> refuse(ctx, caller, e))
                .onSuccess(who -> {
                    if (decisions.overloaded()) {
                        behind(ctx);
                        return;
                    }
                    pdp.evaluate(path, input)
                            .compose(ev -> decisions.record(new DecisionLog.Entry(ev.decisionId(), path, input,
                                    ev.result(), ev.revision(), ev.micros(), who.actor(), caller.requestId(),
                                    caller.clientIp())).map(ev))
                            .onSuccess(ev -> answer(ctx, ev))
                            .onFailure(e -> {
                                if (e instanceof DecisionLog.Behind) {
                                    behind(ctx);
                                } else {
                                    ctx.fail(e);
                                }
                            });
                });
    }

    private static void answer(RoutingContext ctx, PolicyDecisionPoint.Evaluation ev) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (ev.result() != null) {
            out.set("result", ev.result());
        }
        out.put("decision_id", ev.decisionId());
        if (flag(ctx, "metrics")) {
            out.putObject("metrics").put("timer_rego_query_eval_ns", ev.micros() * 1_000);
        }
        if (flag(ctx, "provenance")) {
            // OPA's shape; the revision is the policy set's content hash, as in the decision log
            ObjectNode provenance = out.putObject("provenance");
            provenance.put("version", VERSION).put("revision", ev.revision());
            provenance.putObject("bundles").putObject("lanyard").put("revision", ev.revision());
        }
        reply(ctx, 200, out);
    }

    /**
     * The decision log cannot take another record yet: no decision is given without its record, so the caller is
     * told to retry (a 503 with {@code Retry-After}, in OPA's error form).
     */
    private static void behind(RoutingContext ctx) {
        ctx.response().putHeader("Retry-After", "1");
        error(ctx, 503, "internal_error", "the decision log is behind; retry shortly");
    }

    /** {@code /v1/data/a/b} → {@code a/b}; {@code /v1/data} → the root; null for empty segments. */
    static String documentPath(String requestPath) {
        String rest = requestPath.substring("/v1/data".length());
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.isEmpty()) {
            return "";
        }
        rest = rest.substring(1);
        for (String part : rest.split("/", -1)) {
            if (part.isEmpty()) {
                return null;
            }
        }
        return rest;
    }

    private static JsonNode input(RoutingContext ctx) {
        if (ctx.request().method() == HttpMethod.GET) {
            var values = ctx.queryParam("input");
            if (values.isEmpty()) {
                return null;
            }
            if (values.size() > 1) {
                throw new IllegalArgumentException("input parameter is repeated");
            }
            return parse(values.get(0), "input parameter");
        }
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            return null;
        }
        JsonNode doc = parse(body.toString(), "body");
        if (!doc.isObject()) {
            throw new IllegalArgumentException("body contains malformed input document: must be a JSON object");
        }
        return doc.get("input");
    }

    private static JsonNode parse(String text, String what) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " contains malformed input document: "
                    + e.getOriginalMessage().replaceAll("[\\r\\n]", " "));
        }
    }

    private static boolean flag(RoutingContext ctx, String name) {
        var v = ctx.queryParam(name);
        return !v.isEmpty() && (v.get(0).isEmpty() || Boolean.parseBoolean(v.get(0)));
    }

    private void refuse(RoutingContext ctx, Caller caller, Throwable e) {
        if (!(e instanceof FirstPartyAccessTokens.Refused)) {
            ctx.fail(e);
            return;
        }
        var details = AuditRecord.fields().put("reason", e.getMessage()).put("path", ctx.request().path());
        audit.appendAlone(db.pool(), AuditRecord.of(caller, "pdp.auth_failed", null, AuditRecord.FAILURE, details))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        LOG.error("could not audit a refused Data API request (request {})", caller.requestId(), ar.cause());
                    }
                    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"lanyard\"");
                    error(ctx, 401, "unauthorized", e.getMessage());
                });
    }

    private void failure(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (status == 413) {
            error(ctx, 413, "invalid_parameter", "request body too large");
        } else if (status >= 400 && status < 500) {
            error(ctx, status, "invalid_parameter", "bad request");
        } else {
            LOG.atError().setCause(ctx.failure()).addKeyValue("request_id", Caller.of(ctx).requestId())
                    .log("Data API request failed");
            error(ctx, 500, "internal_error", "internal error; quote request id " + Caller.of(ctx).requestId());
        }
    }

    private static void error(RoutingContext ctx, int status, String code, String message) {
        reply(ctx, status, JsonNodeFactory.instance.objectNode().put("code", code).put("message", message));
    }

    private static void reply(RoutingContext ctx, int status, ObjectNode body) {
        if (ctx.response().ended()) {
            return;
        }
        String text;
        try {
            text = flag(ctx, "pretty") ? Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(body)
                    : Json.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(text);
    }
}
