/**
 * Each call finds the PKCS#11 module at `modulePath` among the libraries this process has already
 * loaded (pkcs11js loaded and initialised it) and calls it with the PIN's bytes in place: no JS
 * string, no copy. Returns the CK_RV (0 = CKR_OK). Throws a TypeError on wrong arguments and an Error
 * when the module is not loaded in this process.
 */
/** C_Login(session, userType, pin). `pin` null → NULL_PTR, length 0 (protected authentication path: the pinpad asks). */
export function login(modulePath: string, session: Buffer, userType: number, pin: Buffer | null): number;
/** C_InitPIN(session, pin): the SO sets the user PIN. */
export function initPin(modulePath: string, session: Buffer, pin: Buffer): number;
/** C_SetPIN(session, oldPin, newPin). */
export function setPin(modulePath: string, session: Buffer, oldPin: Buffer, newPin: Buffer): number;
