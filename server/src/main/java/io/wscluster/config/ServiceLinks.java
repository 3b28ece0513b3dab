package io.wscluster.config;

import java.util.regex.Pattern;

/**
 * The variables Kubernetes injects into every pod for each Service of its namespace (unless the
 * pod sets {@code enableServiceLinks: false}): for a Service {@code wsc-redis},
 * {@code WSC_REDIS_SERVICE_HOST}, {@code WSC_REDIS_SERVICE_PORT[_<port name>]},
 * {@code WSC_REDIS_PORT=tcp://10.96.0.12:6379} and {@code WSC_REDIS_PORT_6379_TCP[_PROTO|_PORT|_ADDR]};
 * for a Service {@code wsc} itself, {@code WSC_SERVICE_HOST} and {@code WSC_PORT=tcp://...}. They
 * share the prefix of the node's settings but are none of them: a node leaves them alone rather
 * than refuse to start. {@code WSC_PORT} and {@code WSC_ADMIN_PORT} are settings too, so a
 * {@code _PORT} variable is taken for a link only in the {@code tcp://host:port} form Kubernetes
 * writes, which no port setting accepts.
 */
final class ServiceLinks {
    private static final Pattern SERVICE = Pattern.compile("WSC(_[A-Z0-9_]+)?_SERVICE_(HOST|PORT(_[A-Z0-9_]+)?)");
    private static final Pattern PORT_DETAIL = Pattern.compile("WSC(_[A-Z0-9_]+)?_PORT_[0-9]+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?");
    private static final Pattern PORT = Pattern.compile("WSC(_[A-Z0-9_]+)?_PORT");
    private static final Pattern LINK_VALUE = Pattern.compile("(tcp|udp|sctp)://[^/\\s]+:[0-9]+");

    private ServiceLinks() {
    }

    /** Whether {@code name=value} is one of the variables Kubernetes writes for a Service. */
    static boolean injected(String name, String value) {
        return SERVICE.matcher(name).matches() || PORT_DETAIL.matcher(name).matches()
                || PORT.matcher(name).matches() && value != null && LINK_VALUE.matcher(value).matches();
    }
}
