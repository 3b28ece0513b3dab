package io.wscluster.protocol;

import java.util.concurrent.CompletionException;

/** What every user of {@code CompletableFuture} callbacks needs and the JDK lacks. */
public final class Futures {
    private Futures() {
    }

    /**
     * The failure a stage's callback was given, unwrapped: a dependent stage hands its callbacks
     * the original failure wrapped in a {@link CompletionException}, the stage that failed hands
     * it bare; callers that tell failures apart by type need the same one either way.
     *
     * @param error what {@code whenComplete}, {@code handle} or {@code exceptionally} was given
     * @return its cause when it is a {@link CompletionException} with one, else {@code error} itself
     */
    public static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
