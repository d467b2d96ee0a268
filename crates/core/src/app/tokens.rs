//! The local API's tokens, through the app: made, listed, revoked and checked only while the vault
//! is unlocked, so a locked vault authorizes nothing.

use super::App;
use crate::clock::UnixTime;
use crate::tokens::{self, ApiToken, TokenScope, TokenSecret};
use crate::Error;

impl App {
    /// Makes a token; its secret is in the answer and nowhere else.
    pub async fn create_api_token(
        &self,
        name: &str,
        scope: TokenScope,
    ) -> Result<(ApiToken, TokenSecret), Error> {
        let now = UnixTime::from_seconds(self.now());
        Ok(tokens::create(&self.store().await?, name, scope, now).await?)
    }

    pub async fn api_tokens(&self) -> Result<Vec<ApiToken>, Error> {
        Ok(tokens::list(&self.store().await?).await?)
    }

    pub async fn revoke_api_token(&self, name: &str) -> Result<(), Error> {
        Ok(tokens::revoke(&self.store().await?, name).await?)
    }

    /// The token `presented` is, or `None`; [`Error::Locked`] while the vault is locked.
    pub async fn authorize_api_token(&self, presented: &str) -> Result<Option<ApiToken>, Error> {
        let now = UnixTime::from_seconds(self.now());
        Ok(tokens::verify(&self.store().await?, presented, now).await?)
    }
}
