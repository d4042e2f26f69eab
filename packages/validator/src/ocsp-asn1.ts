// The RFC 6960 §4 structures the OCSP client needs, as @peculiar/asn1-schema classes. Written here
// from the RFC's ASN.1 module (EXPLICIT TAGS) because the registry has no @peculiar/asn1-ocsp on the
// 2.11 line our other asn1-* packages use; the shapes match that package so it can replace this file.
import { AsnChoiceType, AsnIntegerArrayBufferConverter, AsnProp, AsnPropTypes, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate, Extensions, Name } from '@peculiar/asn1-x509';

/**
 * The schema decorators applied by hand, in field order (then the CHOICE mark, as a class decorator
 * would come after its property decorators): the same result under every decorator mode — Playwright's
 * loader compiles `@decorators` as TC39 decorators, which @peculiar/asn1-schema does not take.
 */
function schema(target: new () => object, props: Record<string, Parameters<typeof AsnProp>[0]>, choice = false): void {
  for (const [key, options] of Object.entries(props)) AsnProp(options)(target.prototype, key);
  if (choice) AsnChoiceType()(target);
}

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
  hashAlgorithm = new AlgorithmIdentifier();
  issuerNameHash = new OctetString();
  issuerKeyHash = new OctetString();
  serialNumber = new ArrayBuffer(0);
  constructor(params: Partial<CertId> = {}) {
    Object.assign(this, params);
  }
}
schema(CertId, { hashAlgorithm: { type: AlgorithmIdentifier }, issuerNameHash: { type: OctetString }, issuerKeyHash: { type: OctetString }, serialNumber: { type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter } });

export class OcspSingleRequest {
  reqCert = new CertId();
  singleRequestExtensions?: Extensions;
  constructor(params: Partial<OcspSingleRequest> = {}) {
    Object.assign(this, params);
  }
}
schema(OcspSingleRequest, { reqCert: { type: CertId }, singleRequestExtensions: { type: Extensions, context: 0, optional: true } });

export class TbsRequest {
  version = 0;
  requestList: OcspSingleRequest[] = [];
  requestExtensions?: Extensions;
  constructor(params: Partial<TbsRequest> = {}) {
    Object.assign(this, params);
  }
}
schema(TbsRequest, { version: { type: AsnPropTypes.Integer, context: 0, defaultValue: 0 }, requestList: { type: OcspSingleRequest, repeated: 'sequence' }, requestExtensions: { type: Extensions, context: 2, optional: true } });

export class OcspRequest {
  tbsRequest = new TbsRequest();
  constructor(params: Partial<OcspRequest> = {}) {
    Object.assign(this, params);
  }
}
schema(OcspRequest, { tbsRequest: { type: TbsRequest } });

export class ResponseBytes {
  responseType = '';
  response = new OctetString();
  constructor(params: Partial<ResponseBytes> = {}) {
    Object.assign(this, params);
  }
}
schema(ResponseBytes, { responseType: { type: AsnPropTypes.ObjectIdentifier }, response: { type: OctetString } });

export class OcspResponse {
  responseStatus = 0;
  responseBytes?: ResponseBytes;
  constructor(params: Partial<OcspResponse> = {}) {
    Object.assign(this, params);
  }
}
schema(OcspResponse, { responseStatus: { type: AsnPropTypes.Enumerated }, responseBytes: { type: ResponseBytes, context: 0, optional: true } });

export class ResponderId {
  byName?: Name;
  /** SHA-1 of the responder's subjectPublicKey BIT STRING contents. */
  byKey?: OctetString;
  constructor(params: Partial<ResponderId> = {}) {
    Object.assign(this, params);
  }
}
schema(ResponderId, { byName: { type: Name, context: 1 }, byKey: { type: OctetString, context: 2 } }, true);

export class RevokedInfo {
  revocationTime = new Date();
  revocationReason?: number;
  constructor(params: Partial<RevokedInfo> = {}) {
    Object.assign(this, params);
  }
}
schema(RevokedInfo, { revocationTime: { type: AsnPropTypes.GeneralizedTime }, revocationReason: { type: AsnPropTypes.Enumerated, context: 0, optional: true } });

export class CertStatus {
  good?: null;
  revoked?: RevokedInfo;
  unknown?: null;
  constructor(params: Partial<CertStatus> = {}) {
    Object.assign(this, params);
  }
}
schema(CertStatus, { good: { type: AsnPropTypes.Null, context: 0, implicit: true }, revoked: { type: RevokedInfo, context: 1, implicit: true }, unknown: { type: AsnPropTypes.Null, context: 2, implicit: true } }, true);

export class SingleResponse {
  certId = new CertId();
  certStatus = new CertStatus();
  thisUpdate = new Date();
  nextUpdate?: Date;
  singleExtensions?: Extensions;
  constructor(params: Partial<SingleResponse> = {}) {
    Object.assign(this, params);
  }
}
schema(SingleResponse, { certId: { type: CertId }, certStatus: { type: CertStatus }, thisUpdate: { type: AsnPropTypes.GeneralizedTime }, nextUpdate: { type: AsnPropTypes.GeneralizedTime, context: 0, optional: true }, singleExtensions: { type: Extensions, context: 1, optional: true } });

export class ResponseData {
  version = 0;
  responderId = new ResponderId();
  producedAt = new Date();
  responses: SingleResponse[] = [];
  responseExtensions?: Extensions;
  constructor(params: Partial<ResponseData> = {}) {
    Object.assign(this, params);
  }
}
schema(ResponseData, { version: { type: AsnPropTypes.Integer, context: 0, defaultValue: 0 }, responderId: { type: ResponderId }, producedAt: { type: AsnPropTypes.GeneralizedTime }, responses: { type: SingleResponse, repeated: 'sequence' }, responseExtensions: { type: Extensions, context: 1, optional: true } });

export class BasicOcspResponse {
  tbsResponseData = new ResponseData();
  /** The DER of tbsResponseData exactly as received: the bytes the signature covers. */
  tbsResponseDataRaw?: ArrayBuffer;
  signatureAlgorithm = new AlgorithmIdentifier();
  signature = new ArrayBuffer(0);
  certs?: Certificate[];
  constructor(params: Partial<BasicOcspResponse> = {}) {
    Object.assign(this, params);
  }
}
schema(BasicOcspResponse, { tbsResponseData: { type: ResponseData, raw: true }, signatureAlgorithm: { type: AlgorithmIdentifier }, signature: { type: AsnPropTypes.BitString }, certs: { type: Certificate, context: 0, repeated: 'sequence', optional: true } });
