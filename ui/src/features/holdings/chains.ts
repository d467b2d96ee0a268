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

/** The ticked chains in the order the backend lists them, as it takes them ("ethereum,base"). */
export function chainList(ticked: string[]): string[] {
  return evmChains.map((c) => c.name).filter((name) => ticked.includes(name));
}
