import { ANY, choice, pick, type Registry, seq, type TypeDefinition } from './schema.ts';

/**
 * The supported message definitions, written from the ISO 20022 XSDs (pain.001.001.03 and .09,
 * pacs.008.001.08, camt.053.001.02 and camt.053.001.08) in the notation of `schema.ts`.
 *
 * Every element the import reads — group headers, payment information, transactions, parties,
 * agents, accounts, postal addresses, amounts, remittance, statements, balances, entries and entry
 * details — is modelled element by element with its cardinality, order and type. Sub-trees the
 * import never reads (tax, garnishment, regulatory reporting, card data, interest, charges records,
 * securities, supplementary data envelopes) are accepted as `ANY`: their presence and cardinality
 * are checked where they hang, their insides are not.
 *
 * camt.053 versions 03 to 07 sit between the two published shapes this file models exactly (02
 * and 08); for them the component types are the union of both shapes, so a statement from any of
 * those versions validates as long as it uses elements of either.
 */

export const CREDIT_TRANSFER_TYPES = ['pain.001.001.03', 'pain.001.001.09', 'pacs.008.001.08'] as const;
export const STATEMENT_TYPES = [
  'camt.053.001.02',
  'camt.053.001.03',
  'camt.053.001.04',
  'camt.053.001.05',
  'camt.053.001.06',
  'camt.053.001.07',
  'camt.053.001.08',
] as const;

export type CreditTransferMessageType = (typeof CREDIT_TRANSFER_TYPES)[number];
export type StatementMessageType = (typeof STATEMENT_TYPES)[number];
export type MessageType = CreditTransferMessageType | StatementMessageType;

export const SUPPORTED_TYPES: readonly MessageType[] = [...CREDIT_TRANSFER_TYPES, ...STATEMENT_TYPES];
export const NAMESPACE_PREFIX = 'urn:iso:std:iso:20022:tech:xsd:';

/** 2009: the first SEPA generation; 2019: the SWIFT CBPR+ generation; mixed: anything in between. */
type Generation = '2009' | 'mixed' | '2019';

const ADDRESS_CODES = '=ADDR|PBOX|HOME|BIZZ|MLTO|DLVY';

function common(gen: Generation): Record<string, TypeDefinition> {
  const later = gen !== '2009';
  return {
    CodeOrProprietary: choice('Cd:Max4Text Prtry:Max35Text'),
    LocalInstrument: choice('Cd:Max35Text Prtry:Max35Text'),
    ClearingSystemIdentification: choice('Cd:Max5Text Prtry:Max35Text'),
    ClearingSystemMemberIdentification: seq('ClrSysId:ClearingSystemIdentification? MmbId:Max35Text'),
    GenericIdentification: seq('Id:Max35Text SchmeNm:CodeOrProprietary? Issr:Max35Text?'),
    GenericAccountIdentification: seq('Id:Max34Text SchmeNm:CodeOrProprietary? Issr:Max35Text?'),
    GenericIdentification30: seq('Id:Exact4AlphaNumericText Issr:Max35Text SchmeNm:Max35Text?'),
    AccountIdentification: choice('IBAN:IBAN Othr:GenericAccountIdentification'),
    CashAccountType:
      gen === '2009'
        ? choice('Cd:=CASH|CHAR|COMM|TAXE|CISH|TRAS|SACC|CACC|SVGS|ONDP|MGLD|NREX|MOMA|LOAN|SLRY|ODFT Prtry:Max35Text')
        : choice('Cd:Max4Text Prtry:Max35Text'),
    ProxyAccountIdentification: seq('Tp:CodeOrProprietary? Id:Max2048Text'),
    CashAccount: seq(
      `Id:AccountIdentification Tp:CashAccountType? Ccy:CurrencyCode? Nm:Max70Text?${later ? ' Prxy:ProxyAccountIdentification?' : ''}`,
    ),
    AddressTypeChoice: choice(`Cd:${ADDRESS_CODES} Prtry:GenericIdentification30`),
    AddressType:
      gen === '2009'
        ? pick(() => ADDRESS_CODES)
        : pick((element) => (element.children.length > 0 ? 'AddressTypeChoice' : ADDRESS_CODES)),
    PostalAddress: later
      ? seq(
          'AdrTp:AddressType? Dept:Max70Text? SubDept:Max70Text? StrtNm:Max70Text? BldgNb:Max16Text? BldgNm:Max35Text? ' +
            'Flr:Max70Text? PstBx:Max16Text? Room:Max70Text? PstCd:Max16Text? TwnNm:Max35Text? TwnLctnNm:Max35Text? ' +
            'DstrctNm:Max35Text? CtrySubDvsn:Max35Text? Ctry:CountryCode? AdrLine:Max70Text{0,7}',
        )
      : seq(
          `AdrTp:${ADDRESS_CODES}? Dept:Max70Text? SubDept:Max70Text? StrtNm:Max70Text? BldgNb:Max16Text? PstCd:Max16Text? ` +
            'TwnNm:Max35Text? CtrySubDvsn:Max35Text? Ctry:CountryCode? AdrLine:Max70Text{0,7}',
        ),
    Contact:
      gen === '2009'
        ? seq(
            'NmPrfx:=DOCT|MIST|MISS|MADM? Nm:Max140Text? PhneNb:PhoneNumber? MobNb:PhoneNumber? FaxNb:PhoneNumber? ' +
              'EmailAdr:Max2048Text? Othr:Max35Text?',
          )
        : gen === '2019'
          ? seq(
              'NmPrfx:=DOCT|MADM|MISS|MIST|MIKS? Nm:Max140Text? PhneNb:PhoneNumber? MobNb:PhoneNumber? FaxNb:PhoneNumber? ' +
                'EmailAdr:Max2048Text? EmailPurp:Max35Text? JobTitl:Max35Text? Rspnsblty:Max35Text? Dept:Max70Text? ' +
                'Othr:OtherContact* PrefrdMtd:=LETT|MAIL|PHON|FAXX|CELL?',
            )
          : ANY,
    OtherContact: seq('ChanlTp:Max4Text Id:Max128Text?'),
    DateAndPlaceOfBirth: seq('BirthDt:ISODate PrvcOfBirth:Max35Text? CityOfBirth:Max35Text CtryOfBirth:CountryCode'),
    OrganisationIdentification:
      gen === '2009'
        ? seq('BICOrBEI:BIC? Othr:GenericIdentification*')
        : gen === '2019'
          ? seq('AnyBIC:BIC? LEI:LEI? Othr:GenericIdentification*')
          : seq('BICOrBEI:BIC? AnyBIC:BIC? LEI:LEI? Othr:GenericIdentification*'),
    PersonIdentification: seq('DtAndPlcOfBirth:DateAndPlaceOfBirth? Othr:GenericIdentification*'),
    PartyChoice: choice('OrgId:OrganisationIdentification PrvtId:PersonIdentification'),
    PartyIdentification: seq(
      'Nm:Max140Text? PstlAdr:PostalAddress? Id:PartyChoice? CtryOfRes:CountryCode? CtctDtls:Contact?',
    ),
    FinancialInstitutionIdentification:
      gen === '2009'
        ? seq(
            'BIC:BIC? ClrSysMmbId:ClearingSystemMemberIdentification? Nm:Max140Text? PstlAdr:PostalAddress? Othr:GenericIdentification?',
          )
        : gen === '2019'
          ? seq(
              'BICFI:BIC? ClrSysMmbId:ClearingSystemMemberIdentification? LEI:LEI? Nm:Max140Text? PstlAdr:PostalAddress? ' +
                'Othr:GenericIdentification?',
            )
          : seq(
              'BIC:BIC? BICFI:BIC? ClrSysMmbId:ClearingSystemMemberIdentification? LEI:LEI? Nm:Max140Text? ' +
                'PstlAdr:PostalAddress? Othr:GenericIdentification?',
            ),
    BranchData: seq(`Id:Max35Text? ${later ? 'LEI:LEI? ' : ''}Nm:Max140Text? PstlAdr:PostalAddress?`),
    Agent: seq('FinInstnId:FinancialInstitutionIdentification BrnchId:BranchData?'),
    CreditorReferenceTypeChoice: choice('Cd:=RADM|RPIN|FXDR|DISP|PUOR|SCOR Prtry:Max35Text'),
    CreditorReferenceType: seq('CdOrPrtry:CreditorReferenceTypeChoice Issr:Max35Text?'),
    CreditorReferenceInformation: seq('Tp:CreditorReferenceType? Ref:Max35Text?'),
    StructuredRemittanceInformation: seq(
      'RfrdDocInf:Any* RfrdDocAmt:Any? CdtrRefInf:CreditorReferenceInformation? Invcr:PartyIdentification? ' +
        `Invcee:PartyIdentification? ${later ? 'TaxRmt:Any? GrnshmtRmt:Any? ' : ''}AddtlRmtInf:Max140Text{0,3}`,
    ),
    RemittanceInformation: seq('Ustrd:Max140Text* Strd:StructuredRemittanceInformation*'),
    SupplementaryData: seq('PlcAndNm:Max350Text? Envlp:Any'),
    InstructionForCreditorAgent: seq('Cd:=CHQB|HOLD|PHOB|TELB? InstrInf:Max140Text?'),
    Any: ANY,
  };
}

function pain001(): Registry {
  return {
    ...common('2009'),
    Document: seq('CstmrCdtTrfInitn:CustomerCreditTransferInitiation'),
    CustomerCreditTransferInitiation: seq('GrpHdr:GroupHeader PmtInf:PaymentInstruction+'),
    GroupHeader: seq(
      'MsgId:Max35Text CreDtTm:ISODateTime Authstn:Authorisation{0,2} NbOfTxs:Max15NumericText CtrlSum:DecimalNumber? ' +
        'InitgPty:PartyIdentification FwdgAgt:Agent?',
    ),
    Authorisation: choice('Cd:=AUTH|FDET|FSUM|ILEV Prtry:Max128Text'),
    PaymentInstruction: seq(
      'PmtInfId:Max35Text PmtMtd:=CHK|TRF|TRA BtchBookg:TrueFalseIndicator? NbOfTxs:Max15NumericText? CtrlSum:DecimalNumber? ' +
        'PmtTpInf:PaymentTypeInformation? ReqdExctnDt:ISODate PoolgAdjstmntDt:ISODate? Dbtr:PartyIdentification ' +
        'DbtrAcct:CashAccount DbtrAgt:Agent DbtrAgtAcct:CashAccount? UltmtDbtr:PartyIdentification? ChrgBr:ChargeBearer? ' +
        'ChrgsAcct:CashAccount? ChrgsAcctAgt:Agent? CdtTrfTxInf:CreditTransferTransaction+',
    ),
    PaymentTypeInformation: seq(
      'InstrPrty:=HIGH|NORM? SvcLvl:CodeOrProprietary? LclInstrm:LocalInstrument? CtgyPurp:CodeOrProprietary?',
    ),
    CreditTransferTransaction: seq(
      'PmtId:PaymentIdentification PmtTpInf:PaymentTypeInformation? Amt:AmountChoice XchgRateInf:ExchangeRateInformation? ' +
        'ChrgBr:ChargeBearer? ChqInstr:Any? UltmtDbtr:PartyIdentification? IntrmyAgt1:Agent? IntrmyAgt1Acct:CashAccount? ' +
        'IntrmyAgt2:Agent? IntrmyAgt2Acct:CashAccount? IntrmyAgt3:Agent? IntrmyAgt3Acct:CashAccount? CdtrAgt:Agent? ' +
        'CdtrAgtAcct:CashAccount? Cdtr:PartyIdentification? CdtrAcct:CashAccount? UltmtCdtr:PartyIdentification? ' +
        'InstrForCdtrAgt:InstructionForCreditorAgent* InstrForDbtrAgt:Max140Text? Purp:CodeOrProprietary? ' +
        'RgltryRptg:Any{0,10} Tax:Any? RltdRmtInf:Any{0,10} RmtInf:RemittanceInformation?',
    ),
    PaymentIdentification: seq('InstrId:Max35Text? EndToEndId:Max35Text'),
    AmountChoice: choice('InstdAmt:Amount EqvtAmt:EquivalentAmount'),
    EquivalentAmount: seq('Amt:Amount CcyOfTrf:CurrencyCode'),
    ExchangeRateInformation: seq('XchgRate:BaseOneRate? RateTp:=SPOT|SALE|AGRD? CtrctId:Max35Text?'),
  };
}

/** pain.001.001.09 (2019): the version the EPC SEPA rulebooks use since November 2023, and CBPR+. */
function pain001v09(): Registry {
  return {
    ...common('2019'),
    Document: seq('CstmrCdtTrfInitn:CustomerCreditTransferInitiation'),
    CustomerCreditTransferInitiation: seq(
      'GrpHdr:GroupHeader PmtInf:PaymentInstruction+ SplmtryData:SupplementaryData*',
    ),
    GroupHeader: seq(
      'MsgId:Max35Text CreDtTm:ISODateTime Authstn:Authorisation{0,2} NbOfTxs:Max15NumericText CtrlSum:DecimalNumber? ' +
        'InitgPty:PartyIdentification FwdgAgt:Agent?',
    ),
    Authorisation: choice('Cd:=AUTH|FDET|FSUM|ILEV Prtry:Max128Text'),
    PaymentInstruction: seq(
      'PmtInfId:Max35Text PmtMtd:=CHK|TRF|TRA BtchBookg:TrueFalseIndicator? NbOfTxs:Max15NumericText? CtrlSum:DecimalNumber? ' +
        'PmtTpInf:PaymentTypeInformation? ReqdExctnDt:DateOrDateTime PoolgAdjstmntDt:ISODate? Dbtr:PartyIdentification ' +
        'DbtrAcct:CashAccount DbtrAgt:Agent DbtrAgtAcct:CashAccount? InstrForDbtrAgt:Max140Text? ' +
        'UltmtDbtr:PartyIdentification? ChrgBr:ChargeBearer? ChrgsAcct:CashAccount? ChrgsAcctAgt:Agent? ' +
        'CdtTrfTxInf:CreditTransferTransaction+',
    ),
    DateOrDateTime: choice('Dt:ISODate DtTm:ISODateTime'),
    PaymentTypeInformation: seq(
      'InstrPrty:=HIGH|NORM? SvcLvl:CodeOrProprietary* LclInstrm:LocalInstrument? CtgyPurp:CodeOrProprietary?',
    ),
    CreditTransferTransaction: seq(
      'PmtId:PaymentIdentification PmtTpInf:PaymentTypeInformation? Amt:AmountChoice XchgRateInf:ExchangeRateInformation? ' +
        'ChrgBr:ChargeBearer? ChqInstr:Any? UltmtDbtr:PartyIdentification? IntrmyAgt1:Agent? IntrmyAgt1Acct:CashAccount? ' +
        'IntrmyAgt2:Agent? IntrmyAgt2Acct:CashAccount? IntrmyAgt3:Agent? IntrmyAgt3Acct:CashAccount? CdtrAgt:Agent? ' +
        'CdtrAgtAcct:CashAccount? Cdtr:PartyIdentification? CdtrAcct:CashAccount? UltmtCdtr:PartyIdentification? ' +
        'InstrForCdtrAgt:InstructionForCreditorAgent* InstrForDbtrAgt:Max140Text? Purp:CodeOrProprietary? ' +
        'RgltryRptg:Any{0,10} Tax:Any? RltdRmtInf:Any{0,10} RmtInf:RemittanceInformation? SplmtryData:SupplementaryData*',
    ),
    PaymentIdentification: seq('InstrId:Max35Text? EndToEndId:Max35Text UETR:UUIDv4?'),
    AmountChoice: choice('InstdAmt:Amount EqvtAmt:EquivalentAmount'),
    EquivalentAmount: seq('Amt:Amount CcyOfTrf:CurrencyCode'),
    ExchangeRateInformation: seq(
      'UnitCcy:CurrencyCode? XchgRate:BaseOneRate? RateTp:=SPOT|SALE|AGRD? CtrctId:Max35Text?',
    ),
  };
}

function pacs008(): Registry {
  return {
    ...common('2019'),
    Document: seq('FIToFICstmrCdtTrf:FIToFICustomerCreditTransfer'),
    FIToFICustomerCreditTransfer: seq(
      'GrpHdr:GroupHeader CdtTrfTxInf:CreditTransferTransaction+ SplmtryData:SupplementaryData*',
    ),
    GroupHeader: seq(
      'MsgId:Max35Text CreDtTm:ISODateTime BtchBookg:TrueFalseIndicator? NbOfTxs:Max15NumericText CtrlSum:DecimalNumber? ' +
        'TtlIntrBkSttlmAmt:Amount? IntrBkSttlmDt:ISODate? SttlmInf:SettlementInstruction PmtTpInf:PaymentTypeInformation? ' +
        'InstgAgt:Agent? InstdAgt:Agent?',
    ),
    SettlementInstruction: seq(
      'SttlmMtd:=INDA|INGA|COVE|CLRG SttlmAcct:CashAccount? ClrSys:CashClearingSystem? InstgRmbrsmntAgt:Agent? ' +
        'InstgRmbrsmntAgtAcct:CashAccount? InstdRmbrsmntAgt:Agent? InstdRmbrsmntAgtAcct:CashAccount? ' +
        'ThrdRmbrsmntAgt:Agent? ThrdRmbrsmntAgtAcct:CashAccount?',
    ),
    CashClearingSystem: choice('Cd:Max3Text Prtry:Max35Text'),
    PaymentTypeInformation: seq(
      'InstrPrty:=HIGH|NORM? ClrChanl:=RTGS|RTNS|MPNS|BOOK? SvcLvl:CodeOrProprietary* LclInstrm:LocalInstrument? ' +
        'CtgyPurp:CodeOrProprietary?',
    ),
    CreditTransferTransaction: seq(
      'PmtId:PaymentIdentification PmtTpInf:PaymentTypeInformation? IntrBkSttlmAmt:Amount IntrBkSttlmDt:ISODate? ' +
        'SttlmPrty:=URGT|HIGH|NORM? SttlmTmIndctn:SettlementDateTimeIndication? SttlmTmReq:SettlementTimeRequest? ' +
        'AccptncDtTm:ISODateTime? PoolgAdjstmntDt:ISODate? InstdAmt:Amount? XchgRate:BaseOneRate? ChrgBr:ChargeBearer ' +
        'ChrgsInf:Charges* PrvsInstgAgt1:Agent? PrvsInstgAgt1Acct:CashAccount? PrvsInstgAgt2:Agent? ' +
        'PrvsInstgAgt2Acct:CashAccount? PrvsInstgAgt3:Agent? PrvsInstgAgt3Acct:CashAccount? InstgAgt:Agent? InstdAgt:Agent? ' +
        'IntrmyAgt1:Agent? IntrmyAgt1Acct:CashAccount? IntrmyAgt2:Agent? IntrmyAgt2Acct:CashAccount? IntrmyAgt3:Agent? ' +
        'IntrmyAgt3Acct:CashAccount? UltmtDbtr:PartyIdentification? InitgPty:PartyIdentification? Dbtr:PartyIdentification ' +
        'DbtrAcct:CashAccount? DbtrAgt:Agent DbtrAgtAcct:CashAccount? CdtrAgt:Agent CdtrAgtAcct:CashAccount? ' +
        'Cdtr:PartyIdentification CdtrAcct:CashAccount? UltmtCdtr:PartyIdentification? ' +
        'InstrForCdtrAgt:InstructionForCreditorAgent* InstrForNxtAgt:InstructionForNextAgent* Purp:CodeOrProprietary? ' +
        'RgltryRptg:Any{0,10} Tax:Any? RltdRmtInf:Any{0,10} RmtInf:RemittanceInformation? SplmtryData:SupplementaryData*',
    ),
    PaymentIdentification: seq(
      'InstrId:Max35Text? EndToEndId:Max35Text TxId:Max35Text? UETR:UUIDv4? ClrSysRef:Max35Text?',
    ),
    SettlementDateTimeIndication: seq('DbtDtTm:ISODateTime? CdtDtTm:ISODateTime?'),
    SettlementTimeRequest: seq('CLSTm:ISOTime? TillTm:ISOTime? FrTm:ISOTime? RjctTm:ISOTime?'),
    Charges: seq('Amt:Amount Agt:Agent'),
    InstructionForNextAgent: seq('Cd:=PHOA|TELA? InstrInf:Max140Text?'),
  };
}

function camt053(version: number): Registry {
  const gen: Generation = version <= 2 ? '2009' : version >= 8 ? '2019' : 'mixed';
  const many = version >= 8 ? '?' : '*';
  return {
    ...common(gen),
    Document: seq('BkToCstmrStmt:BankToCustomerStatement'),
    BankToCustomerStatement: seq('GrpHdr:GroupHeader Stmt:AccountStatement+ SplmtryData:SupplementaryData*'),
    GroupHeader: seq(
      'MsgId:Max35Text CreDtTm:ISODateTime MsgRcpt:PartyIdentification? MsgPgntn:Pagination? OrgnlBizQry:Any? ' +
        'AddtlInf:Max500Text?',
    ),
    Pagination: seq('PgNb:Max5NumericText LastPgInd:TrueFalseIndicator'),
    AccountStatement: seq(
      'Id:Max35Text StmtPgntn:Pagination? ElctrncSeqNb:Number? RptgSeq:Any? LglSeqNb:Number? ' +
        `CreDtTm:ISODateTime${version <= 2 ? '' : '?'} FrToDt:DateTimePeriod? CpyDplctInd:=CODU|COPY|DUPL? ` +
        'RptgSrc:CodeOrProprietary? Acct:StatementAccount RltdAcct:CashAccount? Intrst:Any* Bal:CashBalance+ ' +
        'TxsSummry:Any? Ntry:ReportEntry* AddtlStmtInf:Max500Text?',
    ),
    StatementAccount: seq(
      `Id:AccountIdentification Tp:CashAccountType? Ccy:CurrencyCode? Nm:Max70Text?${gen === '2009' ? '' : ' Prxy:ProxyAccountIdentification?'} ` +
        'Ownr:PartyIdentification? Svcr:Agent?',
    ),
    DateTimePeriod: seq('FrDtTm:ISODateTime ToDtTm:ISODateTime'),
    DateOrDateTime: choice('Dt:ISODate DtTm:ISODateTime'),
    CashBalance: seq('Tp:BalanceType CdtLine:Any* Amt:Amount CdtDbtInd:CreditDebitCode Dt:DateOrDateTime Avlbty:Any*'),
    BalanceType: seq('CdOrPrtry:BalanceTypeChoice SubTp:CodeOrProprietary?'),
    BalanceTypeChoice:
      version <= 2
        ? choice('Cd:=XPCD|OPAV|ITAV|CLAV|FWAV|CLBD|ITBD|OPBD|PRCD|INFO Prtry:Max35Text')
        : choice('Cd:Max4Text Prtry:Max35Text'),
    ReportEntry: seq(
      'NtryRef:Max35Text? Amt:Amount CdtDbtInd:CreditDebitCode RvslInd:TrueFalseIndicator? Sts:EntryStatus ' +
        'BookgDt:DateOrDateTime? ValDt:DateOrDateTime? AcctSvcrRef:Max35Text? Avlbty:Any* BkTxCd:BankTransactionCode ' +
        'ComssnWvrInd:TrueFalseIndicator? AddtlInfInd:Any? AmtDtls:AmountDetails? ' +
        `Chrgs:Any${many} TechInptChanl:CodeOrProprietary? Intrst:Any${many} CardTx:Any? NtryDtls:EntryDetails* ` +
        'AddtlNtryInf:Max500Text?',
    ),
    EntryStatus:
      version <= 2
        ? pick(() => '=BOOK|PDNG|INFO')
        : pick((element) => (element.children.length > 0 ? 'EntryStatusChoice' : '=BOOK|PDNG|INFO|FUTR')),
    EntryStatusChoice: choice('Cd:Max4Text Prtry:Max35Text'),
    BankTransactionCode: seq('Domn:BankTransactionDomain? Prtry:ProprietaryBankTransactionCode?'),
    BankTransactionDomain: seq('Cd:Max4Text Fmly:BankTransactionFamily'),
    BankTransactionFamily: seq('Cd:Max4Text SubFmlyCd:Max4Text'),
    ProprietaryBankTransactionCode: seq('Cd:Max35Text Issr:Max35Text?'),
    AmountDetails: seq(
      'InstdAmt:AmountAndExchange? TxAmt:AmountAndExchange? CntrValAmt:AmountAndExchange? AnncdPstngAmt:AmountAndExchange? ' +
        'PrtryAmt:Any*',
    ),
    AmountAndExchange: seq('Amt:Amount CcyXchg:Any?'),
    EntryDetails: seq('Btch:BatchInformation? TxDtls:EntryTransaction*'),
    BatchInformation: seq(
      'MsgId:Max35Text? PmtInfId:Max35Text? NbOfTxs:Max15NumericText? TtlAmt:Amount? CdtDbtInd:CreditDebitCode?',
    ),
    EntryTransaction: seq(
      `Refs:TransactionReferences? ${version >= 3 ? 'Amt:Amount? CdtDbtInd:CreditDebitCode? ' : ''}AmtDtls:AmountDetails? ` +
        `Avlbty:Any* BkTxCd:BankTransactionCode? Chrgs:Any${many} Intrst:Any${many} RltdPties:TransactionParties? ` +
        'RltdAgts:TransactionAgents? LclInstrm:LocalInstrument? Purp:CodeOrProprietary? RltdRmtInf:Any{0,10} ' +
        'RmtInf:RemittanceInformation? RltdDts:Any? RltdPric:Any? RltdQties:Any* FinInstrmId:Any? Tax:Any? ' +
        'RtrInf:ReturnInformation? CorpActn:Any? SfkpgAcct:Any? CshDpst:Any* CardTx:Any? AddtlTxInf:Max500Text? ' +
        'SplmtryData:SupplementaryData*',
    ),
    TransactionReferences: seq(
      'MsgId:Max35Text? AcctSvcrRef:Max35Text? PmtInfId:Max35Text? InstrId:Max35Text? EndToEndId:Max35Text? ' +
        'UETR:UUIDv4? TxId:Max35Text? MndtId:Max35Text? ChqNb:Max35Text? ClrSysRef:Max35Text? AcctOwnrTxId:Max35Text? ' +
        'AcctSvcrTxId:Max35Text? MktInfrstrctrTxId:Max35Text? PrcgId:Max35Text? Prtry:Any*',
    ),
    TransactionParties: seq(
      'InitgPty:TransactionParty? Dbtr:TransactionParty? DbtrAcct:CashAccount? UltmtDbtr:TransactionParty? ' +
        'Cdtr:TransactionParty? CdtrAcct:CashAccount? UltmtCdtr:TransactionParty? TradgPty:TransactionParty? Prtry:Any*',
    ),
    // camt.053.001.08 wraps each party in Party40Choice (Pty or Agt); 02 has the party directly.
    TransactionParty:
      gen === '2009'
        ? seq('Nm:Max140Text? PstlAdr:PostalAddress? Id:PartyChoice? CtryOfRes:CountryCode? CtctDtls:Contact?')
        : gen === '2019'
          ? choice('Pty:PartyIdentification Agt:Agent')
          : pick((element) =>
              element.children.some((c) => c.name === 'Pty' || c.name === 'Agt')
                ? 'PartyOrAgent'
                : 'PartyIdentification',
            ),
    PartyOrAgent: choice('Pty:PartyIdentification Agt:Agent'),
    TransactionAgents: seq(
      'InstgAgt:Agent? InstdAgt:Agent? DbtrAgt:Agent? CdtrAgt:Agent? IntrmyAgt1:Agent? IntrmyAgt2:Agent? IntrmyAgt3:Agent? ' +
        'RcvgAgt:Agent? DlvrgAgt:Agent? IssgAgt:Agent? SttlmPlc:Agent? Prtry:Any*',
    ),
    ReturnInformation: seq(
      'OrgnlBkTxCd:BankTransactionCode? Orgtr:PartyIdentification? Rsn:CodeOrProprietary? AddtlInf:Max105Text*',
    ),
  };
}

const REGISTRIES = new Map<MessageType, { root: string; registry: Registry }>();
REGISTRIES.set('pain.001.001.03', { root: 'CstmrCdtTrfInitn', registry: pain001() });
REGISTRIES.set('pain.001.001.09', { root: 'CstmrCdtTrfInitn', registry: pain001v09() });
REGISTRIES.set('pacs.008.001.08', { root: 'FIToFICstmrCdtTrf', registry: pacs008() });
for (const type of STATEMENT_TYPES) {
  REGISTRIES.set(type, { root: 'BkToCstmrStmt', registry: camt053(Number(type.slice(-2))) });
}

/** The schema of a supported message type. */
export function definitionOf(type: MessageType): { root: string; registry: Registry } {
  const found = REGISTRIES.get(type);
  if (found === undefined) throw new Error(`no definition for ${type}`);
  return found;
}

/**
 * Namespaces of national variants that are restrictions of an ISO message (every valid variant
 * message is a valid ISO message): Swiss Payment Standards pain.001 (SIX).
 */
const NAMESPACE_ALIASES: ReadonlyMap<string, MessageType> = new Map([
  ['http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd', 'pain.001.001.03'],
]);

/** The message type a namespace names, or undefined when it is not a supported ISO 20022 message. */
export function messageTypeOf(namespace: string): MessageType | undefined {
  const alias = NAMESPACE_ALIASES.get(namespace);
  if (alias !== undefined) return alias;
  if (!namespace.startsWith(NAMESPACE_PREFIX)) return undefined;
  const type = namespace.slice(NAMESPACE_PREFIX.length);
  return (SUPPORTED_TYPES as readonly string[]).includes(type) ? (type as MessageType) : undefined;
}
