/**
 * The items of an A008 worklist as flat records an outbound template reads with
 * `{{item.<name>}}` (ubrn, nhsNumber, priority, serviceId, version, specialty, reason): the e-RS
 * client's reader, so the platform's `referralRequestVersion` (valueInteger) reaches ZRF-7.
 */
export { worklistItems, type WorklistItem } from '../ers/readers/worklist.js';
