import { describeTarget, openAppDatabase } from "./db";

const database = await openAppDatabase();
console.log(`Migrations applied to ${describeTarget()}.`);
await database.close();
