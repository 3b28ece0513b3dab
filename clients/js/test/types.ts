// Compiled by test/run.sh with tsc --strict: the declarations describe the module as an application uses it.
import { WscClient, WscError, type RoomMessage, type Presence } from "../wscluster.js";

const client = new WscClient(["ws://127.0.0.1:8080/ws", "ws://127.0.0.1:8081/ws"], {
  getToken: async () => "jwt",
  backoff: { initialMs: 100 },
  maxHeldRequests: 100,
});
client.subscribe("lobby", (m: RoomMessage) => console.log(m.offset, m.data)).then((s) => s.recovered);
const offset: Promise<number> = client.publish("lobby", { text: "hi", n: [1, 2] }, { priority: "high" });
const presence: Promise<Presence> = client.presence("lobby");
const off: () => void = client.on("gap", (e) => console.warn(e.room, e.from, e.to));
client.on("lost", (e) => console.warn(e.since?.offset));
client.on("error", (e: WscError) => console.warn(e.code, e.sent));
client.on("message", (m) => m.broadcast);
void offset; void presence; off();
client.close();
