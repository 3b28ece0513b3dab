package io.wscluster.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The Lua scripts, run by SHA. A Redis that restarted has forgotten them: on {@code NOSCRIPT} the
 * call is repeated with the script's text, which loads it again. On a Redis Cluster, Lettuce sends
 * the call to the master of the slot of its first key (every key of a call shares the room's slot),
 * and each master caches the script by itself.
 */
final class Scripts {
    static final Scripts PUBLISH = new Scripts("publish.lua");
    static final Scripts READ = new Scripts("read.lua");
    static final Scripts RENEW_LEASE = new Scripts("renew-lease.lua");
    static final Scripts PRESENCE_JOIN = new Scripts("presence-join.lua");
    static final Scripts PRESENCE_PUT = new Scripts("presence-put.lua");
    static final Scripts HSET_EXPIRE = new Scripts("hset-expire.lua");

    private final String text;
    private final String sha;

    private Scripts(String resource) {
        try (InputStream in = Scripts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    CompletionStage<List<Object>> run(RedisScriptingAsyncCommands<String, String> redis, String[] keys, String... args) {
        return run(redis, () -> { }, keys, args);
    }

    /**
     * As {@link #run(RedisScriptingAsyncCommands, String[], String...)} on a connection that does not
     * flush by itself: {@code flush} sends the reloading call.
     */
    CompletionStage<List<Object>> run(RedisScriptingAsyncCommands<String, String> redis, Runnable flush, String[] keys,
                                      String... args) {
        CompletableFuture<List<Object>> result = new CompletableFuture<>();
        redis.<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys, args).whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
            } else if (noScript(error)) {
                redis.<List<Object>>eval(text, ScriptOutputType.MULTI, keys, args).whenComplete((v, e) -> {
                    if (e == null) {
                        result.complete(v);
                    } else {
                        result.completeExceptionally(e);
                    }
                });
                flush.run();
            } else {
                result.completeExceptionally(error);
            }
        });
        return result;
    }

    /** A runner of this script for one caller whose calls must not be reordered (see {@link InOrder#run}). */
    InOrder inOrder() {
        return new InOrder();
    }

    /**
     * Runs the script as one command that reaches Redis in the order of the caller's other commands,
     * for writes that must not be reordered (presence). {@link #run} is not such: it repeats a call
     * that found the script gone after the answer came back, behind commands issued meanwhile.
     */
    final class InOrder {
        private InOrder() {
        }

        /**
         * {@code EVAL} with the script's text, every time: one command, never repeated, that no
         * master can refuse for not knowing the script. {@code EVALSHA} while "Redis has the
         * script" cannot be known here: each master of a cluster (and a restarted Redis) has a
         * cache of its own, so a call to a master that never saw the script would fail. These
         * scripts are a few hundred bytes and run once per subscribe or close, not per message.
         */
        CompletionStage<List<Object>> run(RedisScriptingAsyncCommands<String, String> redis, String[] keys, String... args) {
            return redis.eval(text, ScriptOutputType.MULTI, keys, args);
        }
    }

    private static boolean noScript(Throwable error) {
        return error instanceof RedisNoScriptException || error != null && String.valueOf(error.getMessage()).startsWith("NOSCRIPT");
    }
}
