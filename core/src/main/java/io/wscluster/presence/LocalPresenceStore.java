package io.wscluster.presence;

import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Presence in this process. An entry for an anonymous connection stores the empty string. */
public final class LocalPresenceStore implements PresenceStore {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private final ConcurrentHashMap<String, Map<String, String>> rooms = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> join(String room, String sessionId, String userId) {
        rooms.computeIfAbsent(room, r -> new ConcurrentHashMap<>()).put(sessionId, Optional.ofNullable(userId).orElse(""));
        return DONE;
    }

    @Override
    public CompletionStage<Void> leave(String room, String sessionId) {
        rooms.computeIfPresent(room, (r, entries) -> {
            entries.remove(sessionId);
            return entries.isEmpty() ? null : entries;
        });
        return DONE;
    }

    @Override
    public CompletionStage<PresenceInfo> get(String room) {
        Map<String, String> entries = rooms.getOrDefault(room, Map.of());
        TreeSet<String> users = new TreeSet<>();
        int connections = 0;
        for (String user : entries.values()) {
            connections++;
            if (!user.isEmpty()) {
                users.add(user);
            }
        }
        return CompletableFuture.completedFuture(new PresenceInfo(users.stream().toList(), connections));
    }
}
