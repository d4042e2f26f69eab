// The RFC 6960 §4 structures the OCSP client needs, as @peculiar/asn1-schema classes. Written here
// from the RFC's ASN.1 module (EXPLICIT TAGS) because the registry has no @peculiar/asn1-ocsp on the
// 2.11 line our other asn1-* packages use; the shapes match that package so it can replace this file.
import { AsnChoiceType, AsnIntegerArrayBufferConverter, AsnProp, AsnPropTypes, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, Extensions, Name } from '@peculiar/asn1-x509';

export const id_pkix_ocsp_basic = '1.3.6.1.5.5.7.48.1.1';
export const id_pkix_ocsp_nonce = '1.3.6.1.5.5.7.48.1.2';

/** OCSPResponseStatus (RFC 6960 §4.2.1); 4 is not used. */
export const OCSP_RESPONSE_STATUS = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;

export class CertId {
  @AsnProp({ type: AlgorithmIdentifier }) hashAlgorithm = new AlgorithmIdentifier();
  @AsnProp({ type: OctetString }) issuerNameHash = new OctetString();
  @AsnProp({ type: OctetString }) issuerKeyHash = new OctetString();
  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter }) serialNumber = new ArrayBuffer(0);
  constructor(params: Partial<CertId> = {}) {
    Object.assign(this, params);
  }
}

export class OcspSingleRequest {
  @AsnProp({ type: CertId }) reqCert = new CertId();
  @AsnProp({ type: Extensions, context: 0, optional: true }) singleRequestExtensions?: Extensions;
  constructor(params: Partial<OcspSingleRequest> = {}) {
    Object.assign(this, params);
  }
}

export class TbsRequest {
  @AsnProp({ type: AsnPropTypes.Integer, context: 0, defaultValue: 0 }) version = 0;
  @AsnProp({ type: OcspSingleRequest, repeated: 'sequence' }) requestList: OcspSingleRequest[] = [];
  @AsnProp({ type: Extensions, context: 2, optional: true }) requestExtensions?: Extensions;
  constructor(params: Partial<TbsRequest> = {}) {
    Object.assign(this, params);
  }
}

export class OcspRequest {
  @AsnProp({ type: TbsRequest }) tbsRequest = new TbsRequest();
  constructor(params: Partial<OcspRequest> = {}) {
    Object.assign(this, params);
  }
}

export class ResponseBytes {
  @AsnProp({ type: AsnPropTypes.ObjectIdentifier }) responseType = '';
  @AsnProp({ type: OctetString }) response = new OctetString();
  constructor(params: Partial<ResponseBytes> = {}) {
    Object.assign(this, params);
  }
}

export class OcspResponse {
  @AsnProp({ type: AsnPropTypes.Enumerated }) responseStatus = 0;
  @AsnProp({ type: ResponseBytes, context: 0, optional: true }) responseBytes?: ResponseBytes;
  constructor(params: Partial<OcspResponse> = {}) {
    Object.assign(this, params);
  }
}

@AsnChoiceType()
export class ResponderId {
  @AsnProp({ type: Name, context: 1 }) byName?: Name;
  /** SHA-1 of the responder's subjectPublicKey BIT STRING contents. */
  @AsnProp({ type: OctetString, context: 2 }) byKey?: OctetString;
  constructor(params: Partial<ResponderId> = {}) {
    Object.assign(this, params);
  }
}

export class RevokedInfo {
  @AsnProp({ type: AsnPropTypes.GeneralizedTime }) revocationTime = new Date();
  @AsnProp({ type: AsnPropTypes.Enumerated, context: 0, optional: true }) revocationReason?: number;
  constructor(params: Partial<RevokedInfo> = {}) {
    Object.assign(this, params);
  }
}

@AsnChoiceType()
export class CertStatus {
  @AsnProp({ type: AsnPropTypes.Null, context: 0, implicit: true }) good?: null;
  @AsnProp({ type: RevokedInfo, context: 1, implicit: true }) revoked?: RevokedInfo;
  @AsnProp({ type: AsnPropTypes.Null, context: 2, implicit: true }) unknown?: null;
  constructor(params: Partial<CertStatus> = {}) {
    Object.assign(this, params);
  }
}

export class SingleResponse {
  @AsnProp({ type: CertId }) certId = new CertId();
  @AsnProp({ type: CertStatus }) certStatus = new CertStatus();
  @AsnProp({ type: AsnPropTypes.GeneralizedTime }) thisUpdate = new Date();
  @AsnProp({ type: AsnPropTypes.GeneralizedTime, context: 0, optional: true }) nextUpdate?: Date;
  @AsnProp({ type: Extensions, context: 1, optional: true }) singleExtensions?: Extensions;
  constructor(params: Partial<SingleResponse> = {}) {
    Object.assign(this, params);
  }
}

export class ResponseData {
  @AsnProp({ type: AsnPropTypes.Integer, context: 0, defaultValue: 0 }) version = 0;
  @AsnProp({ type: ResponderId }) responderId = new ResponderId();
  @AsnProp({ type: AsnPropTypes.GeneralizedTime }) producedAt = new Date();
  @AsnProp({ type: SingleResponse, repeated: 'sequence' }) responses: SingleResponse[] = [];
  @AsnProp({ type: Extensions, context: 1, optional: true }) responseExtensions?: Extensions;
  constructor(params: Partial<ResponseData> = {}) {
    Object.assign(this, params);
  }
}

export class BasicOcspResponse {
  @AsnProp({ type: ResponseData, raw: true }) tbsResponseData = new ResponseData();
  /** The DER of tbsResponseData exactly as received: the bytes the signature covers. */
  tbsResponseDataRaw?: ArrayBuffer;
  @AsnProp({ type: AlgorithmIdentifier }) signatureAlgorithm = new AlgorithmIdentifier();
  @AsnProp({ type: AsnPropTypes.BitString }) signature = new ArrayBuffer(0);
  @AsnProp({ type: Certificate, context: 0, repeated: 'sequence', optional: true }) certs?: Certificate[];
  constructor(params: Partial<BasicOcspResponse> = {}) {
    Object.assign(this, params);
  }
}
