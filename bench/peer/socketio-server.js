// A Socket.IO 4 server with @socket.io/redis-adapter, as a Socket.IO user would run one behind a
// load balancer: `join` puts the socket in a room (acknowledged), `publish` emits the message to
// every member of the room on every server (the sender included, as wscluster delivers a room
// message to its publisher too). WebSocket transport only, no polling: the generator connects
// straight over WebSocket, as it does to wscluster.
//
//   node socketio-server.js <redis-url>     prints "listening <port>" once it takes connections
'use strict';
const http = require('node:http');
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { createClient } = require('redis');

async function main() {
  const redisUrl = process.argv[2];
  if (!redisUrl) {
    console.error('usage: node socketio-server.js <redis-url>');
    process.exit(2);
  }
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  pub.on('error', (e) => console.error('redis (pub):', e.message));
  sub.on('error', (e) => console.error('redis (sub):', e.message));
  await Promise.all([pub.connect(), sub.connect()]);

  const server = http.createServer();
  const io = new Server(server, { adapter: createAdapter(pub, sub), transports: ['websocket'], serveClient: false });
  io.on('connection', (socket) => {
    socket.on('join', (room, ack) => {
      socket.join(room);
      if (typeof ack === 'function') ack();
    });
    socket.on('publish', (room, data) => io.to(room).emit('message', room, data));
  });
  server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
  const stop = () => io.close(() => Promise.allSettled([pub.quit(), sub.quit()]).then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
