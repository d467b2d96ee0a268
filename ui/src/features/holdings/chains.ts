// How a wallet's chain is shown: a short badge and a colour of its own.
import type { WalletChain } from "../../api";

export const chainBadge: Record<WalletChain, { label: string; color: string }> = {
  bitcoin: { label: "BTC", color: "#f7931a" },
  solana: { label: "SOL", color: "#7b3fe4" },
  evm: { label: "EVM", color: "#627eea" },
};
