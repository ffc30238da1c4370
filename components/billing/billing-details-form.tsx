"use client";

import { useActionState, useEffect, useState } from "react";
import { fieldError, type ActionState } from "@/components/ui/action-state";
import { Button } from "@/components/ui/button";
import { Field, fieldAria, inputClass, selectClass } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { useResultToast } from "@/components/ui/toast";

export type BillingDetailsView = {
  email: string;
  name: string;
  line1: string;
  line2: string;
  city: string;
  state: string;
  postalCode: string;
  country: string;
  taxId: string;
};

const toView = ({ unchanged: _, ...view }: BillingDetailsView & { unchanged: boolean }): BillingDetailsView => view;

type CountryRules = Record<
  string,
  {
    postal: string | null;
    state: { label: string; codes: string[] | null } | null;
    taxId: { label: string; example: string } | null;
  }
>;

/**
 * Billing email, legal name, postal address and tax ID. Labels and examples follow the chosen
 * country (a state for the US, a province for Canada, a VAT number in the EU); the server
 * checks everything again and says what to fix next to each field, keeping what was typed.
 */
export function BillingDetailsForm({
  action,
  initial,
  organizationName,
  countries,
  rules,
}: {
  action: (
    prev: ActionState<BillingDetailsView & { unchanged: boolean }>,
    fd: FormData,
  ) => Promise<ActionState<BillingDetailsView & { unchanged: boolean }>>;
  initial: BillingDetailsView;
  organizationName: string;
  countries: { code: string; name: string }[];
  rules: CountryRules;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  // Controlled, so a refused save keeps what was typed (React resets a form after its action).
  const [values, setValues] = useState(initial);
  useResultToast(state, undefined, { inlineErrors: true });
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- show the details as saved (normalised: "DE123456789", "K1A 0B1")
    if (state?.ok) setValues(toView(state.data));
  }, [state]);
  const bind = (name: keyof BillingDetailsView) => ({
    name,
    value: values[name],
    onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value })),
  });
  const err = (name: string) => fieldError(state, name);
  const rule = values.country ? rules[values.country] : undefined;
  const stateRule = rule?.state ?? null;
  const taxRule = rule?.taxId ?? null;

  return (
    <form action={formAction} noValidate className="grid gap-4 sm:grid-cols-2" data-testid="billing-details-form">
      <Field
        id="bd-email"
        label="Billing email"
        hint="Where invoices and receipts go."
        error={err("email")}
        className="sm:col-span-2"
      >
        <input
          {...fieldAria("bd-email", { error: err("email"), hint: true })}
          {...bind("email")}
          type="email"
          autoComplete="email"
          required
          className={inputClass}
        />
      </Field>
      <Field
        id="bd-name"
        label="Legal name"
        hint={`Leave empty to use “${organizationName}”.`}
        error={err("name")}
        className="sm:col-span-2"
      >
        <input
          {...fieldAria("bd-name", { error: err("name"), hint: true })}
          {...bind("name")}
          autoComplete="organization"
          placeholder={organizationName}
          className={inputClass}
        />
      </Field>
      <Field id="bd-country" label="Country" error={err("country")}>
        <select
          {...fieldAria("bd-country", { error: err("country") })}
          name="country"
          value={values.country}
          // A state of another country would print on the wrong address.
          onChange={(e) => setValues((v) => ({ ...v, country: e.target.value, state: "" }))}
          autoComplete="country"
          className={selectClass}
        >
          <option value="">Choose a country…</option>
          {countries.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </select>
      </Field>
      <div className="hidden sm:block" aria-hidden="true" />
      <Field id="bd-line1" label="Address" error={err("line1")} className="sm:col-span-2">
        <input
          {...fieldAria("bd-line1", { error: err("line1") })}
          {...bind("line1")}
          autoComplete="address-line1"
          placeholder="Street and number"
          className={inputClass}
        />
      </Field>
      <Field id="bd-line2" label="Address line 2 (optional)" error={err("line2")} className="sm:col-span-2">
        <input
          {...fieldAria("bd-line2", { error: err("line2") })}
          {...bind("line2")}
          autoComplete="address-line2"
          placeholder="Suite, floor, building"
          className={inputClass}
        />
      </Field>
      <Field id="bd-city" label="City" error={err("city")}>
        <input
          {...fieldAria("bd-city", { error: err("city") })}
          {...bind("city")}
          autoComplete="address-level2"
          className={inputClass}
        />
      </Field>
      <Field
        id="bd-postal"
        label="Postal code"
        hint={rule?.postal ? `Like ${rule.postal}` : undefined}
        error={err("postalCode")}
      >
        <input
          {...fieldAria("bd-postal", { error: err("postalCode"), hint: Boolean(rule?.postal) })}
          {...bind("postalCode")}
          autoComplete="postal-code"
          className={inputClass}
        />
      </Field>
      {stateRule ? (
        <Field id="bd-state" label={stateRule.label} error={err("state")}>
          {stateRule.codes ? (
            <select
              {...fieldAria("bd-state", { error: err("state") })}
              {...bind("state")}
              autoComplete="address-level1"
              className={selectClass}
            >
              <option value="">Choose…</option>
              {stateRule.codes.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          ) : (
            <input
              {...fieldAria("bd-state", { error: err("state") })}
              {...bind("state")}
              autoComplete="address-level1"
              className={inputClass}
            />
          )}
        </Field>
      ) : (
        <Field id="bd-state" label="State or region (optional)" error={err("state")}>
          <input
            {...fieldAria("bd-state", { error: err("state") })}
            {...bind("state")}
            autoComplete="address-level1"
            className={inputClass}
          />
        </Field>
      )}
      <Field
        id="bd-tax"
        label={taxRule ? `${taxRule.label} (optional)` : "Tax ID (optional)"}
        hint={
          taxRule
            ? `Like ${taxRule.example}. Printed on your invoices.`
            : values.country
              ? "We can’t record a tax ID for this country yet."
              : "Choose the country first."
        }
        error={err("taxId")}
      >
        <input
          {...fieldAria("bd-tax", { error: err("taxId"), hint: true })}
          {...bind("taxId")}
          autoComplete="off"
          spellCheck={false}
          className={inputClass}
        />
      </Field>
      <div className="flex flex-col gap-3 sm:col-span-2">
        {state && !state.ok ? (
          <Notice tone="error" role="alert" testId="billing-details-error">
            {state.fieldErrors ? "Some fields need attention: see the messages above." : state.error}
          </Notice>
        ) : null}
        {state?.ok ? (
          <Notice tone="success" role="status" testId="billing-details-saved">
            {state.message}
          </Notice>
        ) : null}
        <div>
          <Button type="submit" pending={pending} pendingLabel="Saving…">
            Save billing details
          </Button>
        </div>
      </div>
    </form>
  );
}
