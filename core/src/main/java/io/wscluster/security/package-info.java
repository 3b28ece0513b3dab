/**
 * Who a connection is and what it may do: token verification ({@link
 * io.wscluster.security.TokenVerifier}, HS256 JWTs for now), authorization hooks ({@link
 * io.wscluster.security.Authorizer}), and the limits on clients: per connection ({@link
 * io.wscluster.security.ClientLimits}), per source address and per user ({@link
 * io.wscluster.security.ConnectionLimiter}).
 */
package io.wscluster.security;
