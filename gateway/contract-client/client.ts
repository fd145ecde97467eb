// A small frontend client over the types generated from openapi.yaml (generated/api.d.ts, by
// contract-check.sh). It only has to type-check: a contract whose responses lose their schemas, or a
// field a frontend relies on, breaks this file. The @ts-expect-error lines check that the types are
// real (a response typed `any` or a loose object would make them unused, which is an error).
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api";

type Schemas = components["schemas"];
export type Booking = Schemas["Booking"];
export type Problem = Schemas["Problem"];

export function gateway(baseUrl: string, token: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
}

/** The fleet, with each host's GPUs and what they cost per hour. */
export async function gpuHosts(api: ReturnType<typeof gateway>, model: string): Promise<string[]> {
  const { data, error } = await api.GET("/v1/hosts", { params: { query: { online: true, gpuModel: model, limit: 50 } } });
  if (error) throw new Error(`${error.status} ${error.detail ?? error.title}`);
  const next: string | null = data.next;
  void next;
  return data.items.map((h) => {
    const memory: number = h.gpus.reduce((sum, g) => sum + g.memoryMb, 0);
    const price: Schemas["Price"] | undefined = h.prices.gpuHour[model];
    return `${h.id} ${h.region} ${h.gpus.length} GPU(s) ${memory} MiB at ${price ?? "?"} ${h.prices.currency}/h`;
  });
}

/** Quote, book, and list what the wallet must sign, whichever the chain. */
export async function book(api: ReturnType<typeof gateway>): Promise<string[]> {
  const quote = await api.POST("/v1/quotes", { body: { cpu: 1, memoryMb: 512, durationSeconds: 3600, alternatives: 3 } });
  if (quote.error) return [quote.error.type];
  const plans: Schemas["Plan"][] = quote.data.plans;
  if (plans.length === 0) return [quote.data.refusal?.message ?? "no plan"];
  const created = await api.POST("/v1/bookings", {
    body: { cpu: 1, memoryMb: 512, durationSeconds: 3600, image: "busybox", paymentChain: "solana", maxPricePerHour: plans[0].pricePerHour },
  });
  if (created.error) {
    const problem: Problem = created.error;
    return [problem.type === "urn:respool:problem:no-capacity" ? "full" : problem.title];
  }
  const booking: Booking = created.data;
  const gpuIds: string[] = booking.tasks.flatMap((t) => t.gpuIds ?? []);
  const state: Schemas["BookingState"] = booking.state;
  const payment = await api.GET("/v1/bookings/{id}/payment", { params: { path: { id: booking.id } } });
  if (payment.error) return [payment.error.detail ?? ""];
  const calls = payment.data.deposits.flatMap((d) => d.calls ?? []);
  const lines = calls.map((c) => (c.transaction !== undefined
    ? `solana ${c.to} ${c.value} lamports, valid to block ${c.lastValidBlockHeight}`
    : `ethereum ${c.chainId} ${c.to} ${c.value} wei ${c.data}`));
  // @ts-expect-error a booking has no such field
  void booking.nonsense;
  // @ts-expect-error the states are an enumeration
  const wrong: Schemas["BookingState"] = "LOST";
  void wrong;
  return [state, ...gpuIds, ...lines];
}

/** The live cost chart and the usage series of a booking. */
export async function usage(api: ReturnType<typeof gateway>, id: string): Promise<number[]> {
  const u = await api.GET("/v1/bookings/{id}/usage", { params: { path: { id }, query: { step: 60 } } });
  if (u.error) return [];
  const invoice = await api.GET("/v1/bookings/{id}/invoice", { params: { path: { id } } });
  const bill = invoice.data; // JSON, or the CSV when asked for text/csv
  // amounts are decimal strings (exact beyond 2^53): add them as BigInt
  const billed: bigint = bill !== undefined && typeof bill !== "string" ? BigInt(bill.billed) + BigInt(bill.fee) : 0n;
  return [Number(billed), ...u.data.points.map((p) => p.cpuCores + (p.gpuMemoryBytes ?? 0) + (p.gpuUtilization ?? 0))];
}

/** What a page does with each message of /v1/events. */
export function onEvent(message: Schemas["EventsMessage"], chart: (billed: bigint, deposit: bigint) => void): string {
  switch (message.type) {
    case "subscribed":
      return `from ${message.lastEventId}`;
    case "unsubscribed":
      return message.topic;
    case "error":
      return message.message;
    case "event": {
      const e = message.event;
      if (e.type === "booking.cost" || e.type === "booking.low-balance") {
        chart(BigInt(e.data.billed), BigInt(e.data.deposit));
        return `${e.data.percent}%`;
      }
      if (e.stream === "hosts") return `${e.data.id} ${e.data.online ? "online" : "offline"}`;
      if (e.type === "suggestion.created") return e.data.kind;
      return `${e.data.bookingId} ${e.data.state}`;
    }
  }
}

export const subscribe: Schemas["EventsCommand"] = { type: "subscribe", topic: "bookings", lastEventId: 0 };
