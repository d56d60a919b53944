//! What a tunnel trusts: the CA file given (PEM), else the system store;
//! host names checked unless turned off.

use std::fs::File;
use std::io::BufReader;
use std::sync::Arc;

use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::client::WebPkiServerVerifier;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{
    self, CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use crate::error::{TdError, TdResult};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Trust {
    pub ca_file: Option<String>,
    pub verify_hostname: bool,
}

fn roots(trust: &Trust) -> TdResult<RootCertStore> {
    let mut roots = RootCertStore::empty();
    match &trust.ca_file {
        Some(path) => {
            let bad = |why: String| TdError::fatal(format!("connection.tls.ca.file {path}: {why}"));
            let file = File::open(path).map_err(|e| bad(e.to_string()))?;
            for cert in rustls_pemfile::certs(&mut BufReader::new(file)) {
                let cert = cert.map_err(|e| bad(format!("not PEM: {e}")))?;
                roots.add(cert).map_err(|e| bad(e.to_string()))?;
            }
            if roots.is_empty() {
                return Err(bad("holds no PEM certificate".into()));
            }
        }
        None => {
            let system = rustls_native_certs::load_native_certs().map_err(|e| {
                TdError::fatal(format!(
                    "reading the system trust store: {e}; name a CA with connection.tls.ca.file"
                ))
            })?;
            roots.add_parsable_certificates(system);
        }
    }
    Ok(roots)
}

/// The TLS client configuration of a tunnel.
pub fn client_config(trust: &Trust) -> TdResult<Arc<ClientConfig>> {
    let provider = Arc::new(ring::default_provider());
    let roots = Arc::new(roots(trust)?);
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TdError::fatal(format!("TLS setup: {e}")))?;
    let config = if trust.verify_hostname {
        builder.with_root_certificates(roots).with_no_client_auth()
    } else {
        let inner = WebPkiServerVerifier::builder_with_provider(roots, provider)
            .build()
            .map_err(|e| TdError::fatal(format!("TLS setup: {e}")))?;
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyHostName { inner }))
            .with_no_client_auth()
    };
    Ok(Arc::new(config))
}

/// Checks the chain like WebPKI but accepts a certificate for another name
/// (`connection.tls.verify.hostname=false`).
#[derive(Debug)]
struct AnyHostName {
    inner: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for AnyHostName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
