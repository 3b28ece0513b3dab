/**
 * Who a connection is and what it may do: token verification ({@link
 * io.wscluster.security.TokenVerifier}, HS256 JWTs for now) and authorization hooks ({@link
 * io.wscluster.security.Authorizer}).
 */
package io.wscluster.security;
