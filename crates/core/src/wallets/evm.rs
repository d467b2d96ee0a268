//! EVM chains: an address (EIP-55 checked when mixed-case), the chains it is watched on, and a
//! scan that asks each chain once, through Multicall3's `aggregate3`, for the chain id, the
//! block, the native balance and every known token's `balanceOf` and `decimals`. alloy gives the
//! address and ABI types; the request goes through the wallets' own capped, logged client.

use std::str::FromStr;

use alloy_primitives::{address, Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall};
use serde_json::json;

use super::http::ChainHttp;
use super::{jsonrpc, WalletError};

sol! {
    interface IMulticall3 {
        struct Call3 { address target; bool allowFailure; bytes callData; }
        struct Result { bool success; bytes returnData; }
        function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory returnData);
        function getEthBalance(address addr) external view returns (uint256 balance);
        function getBlockNumber() external view returns (uint256 blockNumber);
        function getChainId() external view returns (uint256 chainid);
    }

    interface IERC20 {
        function balanceOf(address owner) external view returns (uint256);
        function decimals() external view returns (uint8);
    }
}

/// Multicall3: the same address on every chain it is deployed to (all of [`EvmChain`]).
pub const MULTICALL3: Address = address!("0xcA11bde05977b3631167028862bE2a173976CA11");
/// Tokens asked per `aggregate3` (two calls each): one request covers them on most wallets.
pub(crate) const TOKENS_PER_CALL: usize = 250;

/// The EVM chains a wallet can be watched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EvmChain {
    Ethereum,
    Arbitrum,
    Optimism,
    Base,
    Polygon,
    Bnb,
}

impl EvmChain {
    pub const ALL: [EvmChain; 6] = [
        EvmChain::Ethereum,
        EvmChain::Arbitrum,
        EvmChain::Optimism,
        EvmChain::Base,
        EvmChain::Polygon,
        EvmChain::Bnb,
    ];

    /// Its name in settings, sources and the environment (`CRYPTO_BALANCE_RPC_BASE`).
    pub fn name(self) -> &'static str {
        match self {
            EvmChain::Ethereum => "ethereum",
            EvmChain::Arbitrum => "arbitrum",
            EvmChain::Optimism => "optimism",
            EvmChain::Base => "base",
            EvmChain::Polygon => "polygon",
            EvmChain::Bnb => "bnb",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            EvmChain::Ethereum => "Ethereum",
            EvmChain::Arbitrum => "Arbitrum",
            EvmChain::Optimism => "Optimism",
            EvmChain::Base => "Base",
            EvmChain::Polygon => "Polygon",
            EvmChain::Bnb => "BNB Chain",
        }
    }

    /// EIP-155 chain id, checked against what the server says it serves.
    pub fn chain_id(self) -> u64 {
        match self {
            EvmChain::Ethereum => 1,
            EvmChain::Arbitrum => 42_161,
            EvmChain::Optimism => 10,
            EvmChain::Base => 8_453,
            EvmChain::Polygon => 137,
            EvmChain::Bnb => 56,
        }
    }

    /// The CoinGecko coin of its native currency (18 decimals on all of them).
    pub fn native_coin(self) -> &'static str {
        match self {
            EvmChain::Polygon => "polygon-ecosystem-token",
            EvmChain::Bnb => "binancecoin",
            _ => "ethereum",
        }
    }

    /// CoinGecko's platform id for its tokens.
    pub fn platform(self) -> &'static str {
        match self {
            EvmChain::Ethereum => "ethereum",
            EvmChain::Arbitrum => "arbitrum-one",
            EvmChain::Optimism => "optimistic-ethereum",
            EvmChain::Base => "base",
            EvmChain::Polygon => "polygon-pos",
            EvmChain::Bnb => "binance-smart-chain",
        }
    }

    /// A public RPC server run by the chain's own project (or a well-known free one).
    pub fn default_rpc(self) -> &'static str {
        match self {
            EvmChain::Ethereum => "https://ethereum-rpc.publicnode.com",
            EvmChain::Arbitrum => "https://arb1.arbitrum.io/rpc",
            EvmChain::Optimism => "https://mainnet.optimism.io",
            EvmChain::Base => "https://mainnet.base.org",
            EvmChain::Polygon => "https://polygon-rpc.com",
            EvmChain::Bnb => "https://bsc-dataseed.bnbchain.org",
        }
    }

    /// The environment variable naming its RPC server, which wins over settings.
    pub fn env_var(self) -> String {
        format!("CRYPTO_BALANCE_RPC_{}", self.name().to_ascii_uppercase())
    }

    /// The environment variable naming its Blockscout indexer (none by default).
    pub fn indexer_env_var(self) -> String {
        format!(
            "CRYPTO_BALANCE_INDEXER_{}",
            self.name().to_ascii_uppercase()
        )
    }
}

impl FromStr for EvmChain {
    type Err = WalletError;

    fn from_str(text: &str) -> Result<Self, WalletError> {
        Ok(match text.trim().to_ascii_lowercase().as_str() {
            "ethereum" | "eth" | "mainnet" => EvmChain::Ethereum,
            "arbitrum" | "arbitrum-one" | "arb" => EvmChain::Arbitrum,
            "optimism" | "op" => EvmChain::Optimism,
            "base" => EvmChain::Base,
            "polygon" | "matic" | "pol" => EvmChain::Polygon,
            "bnb" | "bsc" | "binance" => EvmChain::Bnb,
            _ => {
                return Err(WalletError::Invalid(format!(
                    "unknown EVM chain '{}': use {}",
                    text.trim().chars().take(40).collect::<String>(),
                    EvmChain::ALL.map(EvmChain::name).join(", ")
                )))
            }
        })
    }
}

/// Checks an address: 20 bytes of hex after `0x`; mixed case must be a valid EIP-55 checksum.
/// Gives it checksummed.
pub fn parse(input: &str) -> Result<String, WalletError> {
    let text = input.trim();
    let hex = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"));
    let Some(hex) = hex.filter(|h| h.len() == 40 && h.chars().all(|c| c.is_ascii_hexdigit()))
    else {
        return Err(WalletError::Invalid(
            "not an EVM address: one is 0x and 40 hex digits, such as \
             0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045"
                .into(),
        ));
    };
    let mixed =
        hex.chars().any(|c| c.is_ascii_lowercase()) && hex.chars().any(|c| c.is_ascii_uppercase());
    let address = if mixed {
        Address::parse_checksummed(format!("0x{hex}"), None).map_err(|_| {
            WalletError::Invalid(
                "this address's capital letters do not match its EIP-55 checksum: it has a \
                 typo; copy it again from your wallet"
                    .into(),
            )
        })?
    } else {
        Address::from_str(hex)
            .map_err(|e| WalletError::Invalid(format!("not an EVM address: {e}")))?
    };
    Ok(address.to_checksum(None))
}

/// The chains of a comma-separated list, each once, in [`EvmChain::ALL`]'s order; blank is all.
pub fn parse_chains(list: &str) -> Result<Vec<EvmChain>, WalletError> {
    let mut chains = list
        .split(',')
        .filter(|c| !c.trim().is_empty())
        .map(EvmChain::from_str)
        .collect::<Result<Vec<_>, _>>()?;
    if chains.is_empty() {
        chains = EvmChain::ALL.to_vec();
    }
    chains.sort();
    chains.dedup();
    Ok(chains)
}

/// The stored form of a chain list.
pub fn chains_text(chains: &[EvmChain]) -> String {
    chains
        .iter()
        .map(|c| c.name())
        .collect::<Vec<_>>()
        .join(",")
}

/// A token's answer: its balance in base units and decimals, or why it cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenAnswer {
    pub token: Address,
    pub units: Option<U256>,
    pub decimals: Option<u8>,
}

/// What one chain said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChainFound {
    pub chain: EvmChain,
    pub block: u64,
    /// The native coin in wei.
    pub native: U256,
    /// Tokens with a balance above zero.
    pub tokens: Vec<TokenAnswer>,
}

/// One chain's RPC server.
pub(crate) struct EvmRpc {
    pub(crate) http: ChainHttp,
    pub(crate) chain: EvmChain,
}

impl EvmRpc {
    /// Asks for the native balance and those `tokens`' balances of `owner`, in one `eth_call`
    /// per [`TOKENS_PER_CALL`] tokens.
    pub(crate) async fn scan(
        &self,
        owner: Address,
        tokens: &[Address],
        about: &str,
    ) -> Result<ChainFound, WalletError> {
        let head = [
            call(MULTICALL3, IMulticall3::getChainIdCall {}.abi_encode()),
            call(MULTICALL3, IMulticall3::getBlockNumberCall {}.abi_encode()),
            call(
                MULTICALL3,
                IMulticall3::getEthBalanceCall { addr: owner }.abi_encode(),
            ),
        ];
        let mut found = ChainFound {
            chain: self.chain,
            block: 0,
            native: U256::ZERO,
            tokens: Vec::new(),
        };
        let mut chunks = tokens.chunks(TOKENS_PER_CALL);
        let mut first = true;
        loop {
            let chunk = match (first, chunks.next()) {
                (_, Some(chunk)) => chunk,
                (true, None) => &[][..],
                (false, None) => break,
            };
            let mut calls: Vec<IMulticall3::Call3> = if first { head.to_vec() } else { Vec::new() };
            for token in chunk {
                calls.push(call(*token, IERC20::balanceOfCall { owner }.abi_encode()));
                calls.push(call(*token, IERC20::decimalsCall {}.abi_encode()));
            }
            let answers = self.aggregate(calls, about).await?;
            let mut answers = answers.into_iter();
            if first {
                self.read_head(&mut answers, &mut found)?;
                first = false;
            }
            for token in chunk {
                let units = answers
                    .next()
                    .and_then(|r| ok_data(&r))
                    .and_then(|d| IERC20::balanceOfCall::abi_decode_returns(&d).ok());
                let decimals = answers
                    .next()
                    .and_then(|r| ok_data(&r))
                    .and_then(|d| IERC20::decimalsCall::abi_decode_returns(&d).ok());
                if units.is_some_and(|u| !u.is_zero()) {
                    found.tokens.push(TokenAnswer {
                        token: *token,
                        units,
                        decimals,
                    });
                }
            }
        }
        Ok(found)
    }

    async fn aggregate(
        &self,
        calls: Vec<IMulticall3::Call3>,
        about: &str,
    ) -> Result<Vec<IMulticall3::Result>, WalletError> {
        let count = calls.len();
        let data = Bytes::from(IMulticall3::aggregate3Call { calls }.abi_encode());
        let params = json!([{ "to": MULTICALL3.to_string(), "data": data.to_string() }, "latest"]);
        let asked = format!(
            "{about} on {}: Multicall3 of {count} calls",
            self.chain.title()
        );
        let result: String = jsonrpc::call(&self.http, "eth_call", params, &asked).await?;
        let bytes = Bytes::from_str(&result)
            .map_err(|_| self.http.failed("sent an eth_call result that is not hex"))?;
        let answers = IMulticall3::aggregate3Call::abi_decode_returns(&bytes).map_err(|_| {
            self.http
                .failed("sent a Multicall3 answer that does not decode (is Multicall3 deployed?)")
        })?;
        if answers.len() != count {
            return Err(self.http.failed(format!(
                "answered {} of {count} calls in one Multicall3",
                answers.len()
            )));
        }
        Ok(answers)
    }

    /// Reads the chain id (which must be this chain's), the block and the native balance.
    fn read_head(
        &self,
        answers: &mut impl Iterator<Item = IMulticall3::Result>,
        found: &mut ChainFound,
    ) -> Result<(), WalletError> {
        let mut next_u256 = |what: &str| {
            answers
                .next()
                .and_then(|r| ok_data(&r))
                .and_then(|d| <U256 as alloy_sol_types::SolValue>::abi_decode(&d).ok())
                .ok_or_else(|| self.http.failed(format!("did not give the {what}")))
        };
        let chain_id = next_u256("chain id")?;
        if chain_id != U256::from(self.chain.chain_id()) {
            return Err(self.http.failed(format!(
                "serves chain {chain_id}, not {} ({}): check the RPC address for {}",
                self.chain.title(),
                self.chain.chain_id(),
                self.chain.title()
            )));
        }
        found.block = u64::try_from(next_u256("block number")?)
            .map_err(|_| self.http.failed("sent a block number too large to be real"))?;
        found.native = next_u256("balance")?;
        Ok(())
    }
}

fn call(target: Address, data: Vec<u8>) -> IMulticall3::Call3 {
    IMulticall3::Call3 {
        target,
        allowFailure: true,
        callData: data.into(),
    }
}

fn ok_data(result: &IMulticall3::Result) -> Option<Bytes> {
    result.success.then(|| result.returnData.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn addresses_are_checksummed_and_typos_caught() {
        let vitalik = "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045";
        assert_eq!(parse(vitalik).ok().as_deref(), Some(vitalik));
        assert_eq!(
            parse(&vitalik.to_ascii_lowercase()).ok().as_deref(),
            Some(vitalik)
        );
        // One letter's case changed: the checksum catches it.
        assert!(parse("0xd8dA6bF26964aF9D7eEd9e03E53415D37aA96045").is_err());
        assert!(parse("d8dA6BF26964aF9D7eEd9e03E53415D37aA96045").is_err());
        assert!(parse("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA9604").is_err());
        assert!(parse("9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM").is_err());
    }

    #[test]
    fn multicall3_is_at_its_published_address() {
        assert_eq!(
            MULTICALL3.to_checksum(None),
            "0xcA11bde05977b3631167028862bE2a173976CA11"
        );
    }

    #[test]
    fn chain_lists_are_checked_and_ordered() {
        let chains = parse_chains("base, eth,BSC,base").map(|c| chains_text(&c));
        assert_eq!(chains.ok().as_deref(), Some("ethereum,base,bnb"));
        assert_eq!(parse_chains("").map(|c| c.len()).ok(), Some(6));
        assert!(parse_chains("ethereum,dogechain").is_err());
        for chain in EvmChain::ALL {
            assert_eq!(chain.name().parse::<EvmChain>().ok(), Some(chain));
        }
    }

    proptest! {
        #[test]
        fn any_text_is_checked_without_panicking(text in ".{0,80}") {
            let _ = parse(&text);
            let _ = parse_chains(&text);
        }

        #[test]
        fn any_multicall_answer_decodes_or_is_refused(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = IMulticall3::aggregate3Call::abi_decode_returns(&bytes);
            let _ = IERC20::decimalsCall::abi_decode_returns(&bytes);
        }
    }
}
