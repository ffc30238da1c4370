"use client";

import { useTransition } from "react";
import type { ActionState } from "@/components/ui/action-state";
import { Button, type ButtonSize } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";

/** Undo a scheduled cancellation; shows progress and the outcome. Pass `resumeSubscriptionAction.bind(null, slug)`. */
export function ResumeButton({
  resume,
  size = "md",
  label = "Resume subscription",
}: {
  resume: () => Promise<ActionState<{ unchanged: boolean }>>;
  size?: ButtonSize;
  label?: string;
}) {
  const [pending, startTransition] = useTransition();
  return (
    <Button
      size={size}
      pending={pending}
      pendingLabel="Resuming…"
      onClick={() =>
        startTransition(async () => {
          const r = await resume();
          if (r?.ok) toast({ tone: "success", title: "Subscription resumed", description: r.message });
          else toast({ tone: "error", title: r?.error ?? "We couldn't resume the subscription. Try again." });
        })
      }
    >
      {label}
    </Button>
  );
}
