import type { GoToClient } from "../gotowebinar/client";
import type { GatewayResult } from "./gateway-errors";

/**
 * The callers' side of a connector's GoToGateway: which GoTo calls go through it and how to make
 * one. Callers (the webinar syncs, the forms) reach the gateway through its stub and never import
 * the GoToGateway class module.
 */

/** The client calls a caller can make through the gateway. */
export type GatewayMethod = keyof GoToClient;
export type GatewayArgs<M extends GatewayMethod> = Parameters<GoToClient[M]>[0];
export type GatewayValue<M extends GatewayMethod> = Awaited<ReturnType<GoToClient[M]>>;

/**
 * Calls a connector's gateway with the types of the method called: a Durable Object stub widens a
 * generic RPC method's result to the union of every method's, so the answer is narrowed back.
 */
export async function callGateway<M extends GatewayMethod>(
  env: Env,
  connectorId: string,
  method: M,
  args: GatewayArgs<M>,
): Promise<GatewayResult<GatewayValue<M>>> {
  const result = await env.GOTO_GATEWAY.getByName(connectorId).call(method, args);
  return result as GatewayResult<GatewayValue<M>>;
}
