// The validator answers with the protocol's token codes and the UZI package's certificate codes; it has
// none of its own. Its error class covers both.
import { errorFamily, familyErrorClass, PROTOCOL_ERROR_KINDS } from '@zorgid/protocol/errors';
import { UZI_ERROR_KINDS } from '@zorgid/uzi/errors';

const validatorErrors = errorFamily({ ...PROTOCOL_ERROR_KINDS, ...UZI_ERROR_KINDS });
export type ValidatorErrorCode = (typeof validatorErrors.codes)[number];
export const isValidatorErrorCode = validatorErrors.isCode;
export class ValidatorError extends familyErrorClass('ValidatorError', validatorErrors) {}
