import { runClockTo } from "../billing/cycle";
import { realNow } from "../core/core";
import { invalidParam, stateError } from "../core/errors";
import { newId } from "../core/ids";
import { paginate } from "../core/list";
import { readListParams } from "../core/params";
import type { WTestClock } from "../core/wire";
import type { Router } from "../http/router";
import { must } from "./common";

const THIRTY_DAYS = 30 * 86_400;

export function registerTestClocks(router: Router): void {
  router
    .post("/v1/test_helpers/test_clocks", ({ core, params: p }) => {
      const created = realNow();
      const clock: WTestClock = {
        id: newId("clock"),
        object: "test_helpers.test_clock",
        created,
        deletes_after: created + THIRTY_DAYS,
        frozen_time: p.reqInt("frozen_time"),
        livemode: false,
        name: p.text("name") ?? null,
        status: "ready",
        status_details: {},
      };
      core.store.insert("testClocks", clock);
      core.emit("test_helpers.test_clock.created", clock);
      return clock;
    })
    .get("/v1/test_helpers/test_clocks/:id", ({ core, ids }) => must(core, "testClocks", ids.id ?? ""))
    .get("/v1/test_helpers/test_clocks", ({ core, params: p }) =>
      paginate(
        core,
        core.store.all("testClocks").filter((c) => !core.store.state.deleted[c.id]),
        readListParams(p),
        "/v1/test_helpers/test_clocks",
      ),
    )
    .del("/v1/test_helpers/test_clocks/:id", ({ core, ids }) => {
      const clock = must(core, "testClocks", ids.id ?? "");
      // Deleting a clock deletes the customers (and so the objects) attached to it.
      for (const customer of core.store.all("customers")) {
        if (customer.test_clock === clock.id) core.store.state.deleted[customer.id] = true;
      }
      core.store.state.deleted[clock.id] = true;
      core.emit("test_helpers.test_clock.deleted", clock);
      return { id: clock.id, object: "test_helpers.test_clock", deleted: true };
    })
    .post("/v1/test_helpers/test_clocks/:id/advance", ({ core, ids, params: p }) => {
      const clock = must(core, "testClocks", ids.id ?? "");
      const target = p.reqInt("frozen_time");
      if (clock.status !== "ready") throw stateError("The test clock is already advancing.");
      if (target <= clock.frozen_time) {
        throw invalidParam("frozen_time", "The frozen_time must be after the test clock's current frozen_time.");
      }
      // Stripe answers with the clock `advancing` and processes in the background; the emulator
      // processes synchronously, so a retrieve right after already shows `ready`.
      clock.status = "advancing";
      clock.status_details = { advancing: { target_frozen_time: target } };
      core.emit("test_helpers.test_clock.advancing", clock);
      const response = core.snap(clock);
      core.automatic(() => runClockTo(core, clock, target));
      clock.status = "ready";
      clock.status_details = {};
      core.emit("test_helpers.test_clock.ready", clock);
      return response;
    });
}
