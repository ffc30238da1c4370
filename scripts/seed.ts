import { seedDemo } from "../db/seed";
import { describeTarget, openAppDatabase } from "./db";

// On the embedded database, stop `npm run dev` first: PGlite takes no lock, and two processes
// writing one data folder corrupt it.
const started = Date.now();
const database = await openAppDatabase();
await seedDemo(database.db);
console.log(`Demo data seeded into ${describeTarget()} in ${Date.now() - started} ms.`);
await database.close();
