// How a wallet's chain is shown: a short badge and a colour of its own.
import type { WalletChain } from "../../api";

export const chainBadge: Record<WalletChain, { label: string; color: string }> = {
  bitcoin: { label: "BTC", color: "#f7931a" },
  solana: { label: "SOL", color: "#7b3fe4" },
  evm: { label: "EVM", color: "#627eea" },
};

/** The EVM chains an address can be watched on, by the name the backend takes. */
export const evmChains: { name: string; title: string }[] = [
  { name: "ethereum", title: "Ethereum" },
  { name: "arbitrum", title: "Arbitrum" },
  { name: "optimism", title: "Optimism" },
  { name: "base", title: "Base" },
  { name: "polygon", title: "Polygon" },
  { name: "bnb", title: "BNB Chain" },
];

/** "ethereum,base" as "Ethereum, Base". */
export function chainTitles(names: string): string {
  return names
    .split(",")
    .map((name) => evmChains.find((c) => c.name === name)?.title ?? name)
    .join(", ");
}

/** A typed gap limit (Bitcoin): the number, or `null` when it is not a whole number from 1 to
 * 1,000, the bounds the backend keeps. */
export function gapLimit(text: string): number | null {
  const gap = /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
  return gap !== null && gap >= 1 && gap <= 1000 ? gap : null;
}

/** What to say under a gap limit `gapLimit` refused. */
export const GAP_LIMIT_PROBLEM = "A whole number from 1 to 1,000.";

/** The ticked chains in the order the backend lists them, as it takes them ("ethereum,base"). */
export function chainList(ticked: string[]): string[] {
  return evmChains.map((c) => c.name).filter((name) => ticked.includes(name));
}
