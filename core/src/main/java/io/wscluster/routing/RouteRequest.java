package io.wscluster.routing;

/**
 * What is known of a new connection when it is placed; any field may be null.
 *
 * @param clientIp  the client's address (the first {@code X-Forwarded-For} hop behind a proxy)
 * @param userId    the user, when the client presents a token
 * @param region    the client's region, for regional placement
 * @param sessionId the {@code ?session=} of an earlier connection (protocol.md)
 * @param key       the configured routing key of the request (see {@link Stickiness#KEY})
 */
public record RouteRequest(String clientIp, String userId, String region, String sessionId, String key) {
    public static RouteRequest of(String clientIp, String userId, String region) {
        return new RouteRequest(clientIp, userId, region, null, null);
    }
}
