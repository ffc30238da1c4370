"use client";

import { buttonClass, type ButtonVariant } from "@/components/ui/button";

/** Fired when a link on this page asks for the card form (the plan page's dunning banner). */
export const UPDATE_CARD_EVENT = "agentbill:update-card";

/** "Update card" that opens the card form below (PaymentMethodPanel listens), not only scrolls to it. */
export function UpdateCardLink({
  children,
  variant = "danger",
}: {
  children: React.ReactNode;
  variant?: ButtonVariant;
}) {
  return (
    <a
      href="#payment-method"
      className={buttonClass({ variant })}
      onClick={(e) => {
        // The panel scrolls its form into view and focuses it: a fragment navigation on top of
        // that would take the focus back from the form.
        e.preventDefault();
        window.history.pushState(null, "", "#payment-method");
        window.dispatchEvent(new Event(UPDATE_CARD_EVENT));
      }}
    >
      {children}
    </a>
  );
}
