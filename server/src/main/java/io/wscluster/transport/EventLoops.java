package io.wscluster.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Chooses native epoll where available and NIO elsewhere, in one place. */
public final class EventLoops {
    private EventLoops() {
    }

    public static boolean nativeTransport() {
        return Epoll.isAvailable();
    }

    /** A group of {@code threads} event loops (0: one per core) named {@code name-N}. */
    public static EventLoopGroup group(int threads, String name) {
        IoHandlerFactory factory = nativeTransport() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(name, true), factory);
    }

    public static Class<? extends ServerChannel> serverChannel() {
        return nativeTransport() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** "epoll" or "nio", for logs. */
    public static String name() {
        return nativeTransport() ? "epoll" : "nio";
    }
}
