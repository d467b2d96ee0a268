// The portfolio's valuation as a resource, reloaded when rates or holdings change: Holdings and
// Portfolio load it the same way (Portfolio asks for the summary, without per-account rows).
import { onHoldingsChanged, onRatesUpdated, portfolioValue, type Valuation } from "../api";
import { resource, type Resource } from "./resource.svelte";

/** Call during a component's initialisation, like `resource`. */
export function valuationResource(
  load: () => Promise<Valuation> = () => portfolioValue(),
): Resource<Valuation> {
  return resource(load, [onRatesUpdated, onHoldingsChanged]);
}
