/*
 * ONNX's textual syntax (onnx/docs/Syntax.md, as ONNX's own parser and printer
 * read and write it):
 *
 *   <ir_version: 8, opset_import: ["" : 17]>
 *   agraph (float[N, 3] X) => (float[N, 3] Y) {
 *       Y = Relu(X)
 *   }
 *
 * The grammar is purely syntactic: which identifier is a type name, a header key or
 * nan/inf, and whether a value fits its type, is checked by ProtoBuilder, which turns
 * the parse tree into a ModelProto.
 */
grammar OnnxText;

model : header? graph function* EOF ;

// <ir_version: 8, opset_import: ["" : 17], producer_name: "x"> (functions: domain, opset_import, ...)
header      : '<' headerEntry (',' headerEntry)* '>' ;
headerEntry : key=ID ':' (INT | STRING | pairList) ;
pairList    : '[' (pair (',' pair)*)? ']' ;
pair        : key=STRING ':' (STRING | INT) ;

graph : name=quotableId inputs=inputList '=>' outputs=outputList initializers=initializerList? nodeList ;

inputList       : '(' (valueInfoOrInit (',' valueInfoOrInit)*)? ')' ;   // an input may have a default (initializer)
outputList      : '(' (valueInfo (',' valueInfo)*)? ')' ;
initializerList : '<' (valueInfoOrInit (',' valueInfoOrInit)*)? '>' ;   // initializers and value infos
valueInfo       : type? quotableId ;
valueInfoOrInit : valueInfo ('=' constantData)? ;

// float (a scalar), float[] (rank unknown), float[N, 3, ?]; seq(T), optional(T), map(K, T),
// sparse_tensor(T), opaque(domain, name).
type
    : ID shape?                                   # tensorType
    | ID '(' (typeArg (',' typeArg)*)? ')'        # composedType
    ;
typeArg : type | qualifiedId ;
shape   : '[' (dim (',' dim)*)? ']' ;
dim     : '?' | INT | quotableId ;

nodeList : '{' node* '}' ;
// [label] outputs = domain.Op:overload <attributes> (inputs), attributes before or after the inputs
node  : label? outputs=idList '=' op=qualifiedId (':' overload=ID)? before=attributeList?
        '(' inputs=idList ')' after=attributeList? ;
label : '[' quotableId? ']' ;
// Names separated by commas; an empty slot is an omitted (optional) value: Op(, x). A trailing
// empty slot is dropped, as ONNX's parser does: Op(x,) has one input.
idList : quotableId? (',' quotableId?)* ;

attributeList : '<' attribute (',' attribute)* '>' ;
attribute     : name=ID (':' declared=ID)? '=' attributeValue ;
attributeValue
    : singleValue
    | '[' (singleValue (',' singleValue)*)? ']'
    ;
singleValue
    : tensorConstant        # tensorValue
    | graph                 # graphValue
    | type                  # typeValue            // also a bare nan, inf or infinity
    | literal               # literalValue
    | '@' quotableId        # referenceValue       // a function's attribute
    ;
tensorConstant : type quotableId? '='? constantData ;
// Values, or external data. The values are tokens, not literal rules: a tensor may have
// millions of them, and a rule context for each would double the work.
constantData   : '{' (values+=(INT | FLOAT | STRING | NEG_SPECIAL | ID)
                      (',' values+=(INT | FLOAT | STRING | NEG_SPECIAL | ID))*)? '}'
               | pairList ;
literal        : INT | FLOAT | STRING | NEG_SPECIAL | ID ;         // ID: nan, inf, infinity

// <domain: "custom", opset_import: [...]> Name <attr, attr_with_default = 1> (in, ...) => (out, ...) <value infos> { ... }
function           : header? name=quotableId functionAttributes? inputs=functionIo '=>' outputs=functionIo
                     valueInfos=functionValueInfos? nodeList ;
functionAttributes : '<' functionAttribute (',' functionAttribute)* '>' ;
functionAttribute  : attribute | ID ;
functionIo         : '(' (valueInfo (',' valueInfo)*)? ')' ;
functionValueInfos : '<' (valueInfo (',' valueInfo)*)? '>' ;

qualifiedId : ID ('.' ID)* ;
quotableId  : ID | STRING ;

ARROW       : '=>' ;
FLOAT       : '-'? DIGIT+ '.' DIGIT* EXPONENT? | '-'? DIGIT+ EXPONENT ;
INT         : '-'? DIGIT+ ;
NEG_SPECIAL : '-' [nN] [aA] [nN] | '-' [iI] [nN] [fF] ([iI] [nN] [iI] [tT] [yY])? ;
ID          : [a-zA-Z_] [a-zA-Z0-9_]* ;
STRING      : '"' (~["\\] | '\\' .)* '"' ;
COMMENT     : '#' ~[\r\n]* -> skip ;
WS          : [ \t\r\n\f\u000B]+ -> skip ;

// Not part of the syntax: tokens that turn a lexical mistake into a parse error with a
// position. UNEXPECTED must stay the last rule: it takes any one character no other rule does.
UNTERMINATED_STRING : '"' (~["\\] | '\\' .)* '\\'? EOF ;
UNEXPECTED          : . ;

fragment DIGIT    : [0-9] ;
fragment EXPONENT : [eE] [+-]? DIGIT+ ;
