package io.wscluster.eventloops;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Native epoll where the platform has it, NIO elsewhere. A group and the channels bootstrapped on it
 * must agree on the transport; taking both from here keeps them agreeing.
 */
public final class EventLoops {
    private EventLoops() {
    }

    /** True when the native epoll transport is in use. */
    public static boolean nativeTransport() {
        return Epoll.isAvailable();
    }

    /**
     * A group of {@code threads} event loops (0: one per core) on daemon threads named
     * {@code threadPrefix-N-M}: daemon, so a forgotten group never keeps a JVM alive.
     */
    public static EventLoopGroup group(int threads, String threadPrefix) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (one per core) or more, got " + threads);
        }
        IoHandlerFactory factory = nativeTransport() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(threadPrefix, true), factory);
    }

    /** The listening channel class for a {@code ServerBootstrap} on a {@link #group}. */
    public static Class<? extends ServerSocketChannel> serverChannel() {
        return nativeTransport() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The outgoing TCP channel class for a {@code Bootstrap} on a {@link #group}. */
    public static Class<? extends SocketChannel> clientChannel() {
        return nativeTransport() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** "epoll" or "nio", for logs. */
    public static String name() {
        return nativeTransport() ? "epoll" : "nio";
    }
}
