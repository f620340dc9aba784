package dev.lanyard.loadtest.scenario;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The part both token scenarios share: pre-sign the client assertions off the event loop, check they outlive the
 * run, build a {@code POST} whose form ends with a fresh {@code client_assertion}, and send it once unmeasured to
 * prove the fixtures work before thousands of requests repeat it.
 */
final class PreSignedTokenPlan {

    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private PreSignedTokenPlan() {
    }

    /** @param fixedForm every field but {@code client_assertion}, which is appended last per request */
    static Future<RequestPlan> prepare(ScenarioContext context, String scenario, String path,
                                       Map<String, String> fixedForm, ClientAssertionSigner signer) {
        int size = AssertionPool.plannedSize(context.spec());
        System.out.printf("%-14s pre-signing %d client assertions (ES256) outside the measured window ...%n", scenario, size);
        // Blocking CPU work for up to a minute or two, fanned out over the cores while the server idles. It runs on
        // its own thread, not a Vert.x worker, whose blocked-thread checker would log stack traces after 60 s.
        CompletableFuture<AssertionPool> signing = CompletableFuture.supplyAsync(
                () -> {
                    AssertionPool pool = AssertionPool.sign(signer, size, Clock.systemUTC());
                    // Signing leaves much short-lived garbage; collect it now rather than during the measured window,
                    // where the generator's GC would take CPU from the server under test.
                    System.gc();
                    return pool;
                }, PreSignedTokenPlan::signerThread);
        return Future.fromCompletionStage(signing, context.vertx().getOrCreateContext())
                .compose(pool -> {
                    System.out.printf("%-14s signed %d assertions in %.1f s%n", scenario, pool.size(),
                            pool.signingTime().toMillis() / 1000.0);
                    pool.requireLifetimeFor(context.spec());
                    FormBody form = new FormBody(fixedForm, "client_assertion");
                    RequestPlan plan = new RequestPlan(HttpMethod.POST, path,
                            Map.of("Content-Type", FormBody.CONTENT_TYPE, "Accept", "application/json"),
                            () -> form.with(pool.next()));
                    return probe(context, plan);
                });
    }

    private static void signerThread(Runnable work) {
        Thread t = new Thread(work, "assertion-signer");
        t.setDaemon(true);
        t.start();
    }

    private static Future<RequestPlan> probe(ScenarioContext context, RequestPlan plan) {
        PlainHttp http = new PlainHttp(context.vertx(), context.admin().target());
        return http.send(plan)
                .map(answer -> {
                    if (answer.status() != 200) {
                        throw new IllegalStateException("probe " + plan.method() + " " + plan.path() + " answered "
                                + answer.status() + ": " + answer.excerpt());
                    }
                    return plan;
                })
                .onComplete(done -> http.close());
    }
}
