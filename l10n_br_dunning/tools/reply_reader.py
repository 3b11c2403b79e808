"""What a customer's reply says: a plain reader of Brazilian Portuguese replies.

Customers answer reminders in their own words, by SMS, WhatsApp and e-mail:
"vou pagar dia 10", "já paguei ontem", "não reconheço essa cobrança". ``read``
tells which of these it is (``INTENTS``), with the date it names (the promised
day, or the day they say they paid), relative to the day the message was
written in the customer's calendar, and how sure it is.

Hand-written rules, no model and no network: the text is folded (no accents,
lower case, emojis and punctuation out, the usual abbreviations and typos
spelled out: "vc", "hj", "amnh", "sext"), then each intent's phrases are
looked for, negations and questions weighed, and dates read. A reply the
rules cannot tell apart (two intents, a promise without a day, a negated
promise) is ``OTHER`` or unsure: it goes to a person, as every reply did
before. A wrong automatic pause is worse than a to-do.

Dates (the labelled corpus follows the same conventions, benchmarks/replies):
"hoje", "amanhã", "depois de amanhã", "daqui a N dias"; a weekday ("sexta",
"até sexta"): the next one after today; with "que vem" or "próxima": that
weekday in the next calendar week; "semana que vem": Friday of next week;
"fim do mês": its last day; "dia 10": the next 10th; "10/12" and "10/12/2026";
"início do mês que vem": the 5th. For a payment already made, the same words
point backwards ("ontem", "sexta passada", "dia 3"). A day alone, in however
many words ("dia 5 do mês que vem"), is a promise; a day no calendar has
("dia 31/02") is for a person.
"""

import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

PROMISE, PAID, DISPUTE, WHO, NEGOTIATE, PAYLINK, OPTOUT, OTHER = (
    "promise",
    "paid",
    "dispute",
    "who",
    "negotiate",
    "paylink",
    "optout",
    "other",
)
# PAYLINK: asks for the way to pay ("me manda o boleto de novo", "qual a
# chave pix", "segunda via"): the régua answers with the payment link.
INTENTS = (PROMISE, PAID, DISPUTE, WHO, NEGOTIATE, PAYLINK, OPTOUT, OTHER)
# A reply's concern (``Reading.concern``): the customer died, the number or
# address is someone else's, or the customer announces a lawsuit or a consumer
# complaint (Procon, Reclame Aqui, consumidor.gov.br).
DEATH, WRONG_NUMBER, LEGAL = "death", "wrong_number", "legal"
# Below this a reading goes to a person, whatever its intent.
SURE = 0.8

# Spelled-out forms of what people type (after folding).
WORDS = {
    "vc": "voce",
    "vcs": "voces",
    "voc": "voce",
    "pq": "porque",
    "hj": "hoje",
    "hje": "hoje",
    "amnh": "amanha",
    "amh": "amanha",
    "amanh": "amanha",
    "amaha": "amanha",
    "amanhan": "amanha",
    "q": "que",
    "tb": "tambem",
    "tbm": "tambem",
    "msg": "mensagem",
    "msgs": "mensagens",
    "qdo": "quando",
    "qnd": "quando",
    "qndo": "quando",
    "blz": "beleza",
    "obg": "obrigado",
    "obgd": "obrigado",
    "obgda": "obrigada",
    "vlw": "valeu",
    "td": "tudo",
    "tds": "todos",
    "dps": "depois",
    "dpois": "depois",
    "pra": "para",
    "pro": "para o",
    "ta": "esta",
    "tah": "esta",
    "to": "estou",
    "tou": "estou",
    "n": "nao",
    "ñ": "nao",
    "naum": "nao",
    "mto": "muito",
    "mt": "muito",
    "eh": "e",
    "sext": "sexta",
    "sex": "sexta",
    "sxt": "sexta",
    "sexat": "sexta",
    "sesta": "sexta",
    "sxta": "sexta",
    "num": "nao",
    "d": "de",
    "ces": "voces",
    "oces": "voces",
    "seg": "segunda",
    "segunfa": "segunda",
    "qua": "quarta",
    "qui": "quinta",
    "quint": "quinta",
    "sab": "sabado",
    "dom": "domingo",
    "onti": "ontem",
    "onte": "ontem",
    "ontim": "ontem",
    "pagei": "paguei",
    "paquei": "paguei",
    "pagey": "paguei",
    "pgei": "paguei",
    "pguei": "paguei",
    "pgto": "pagamento",
    "pgt": "pagamento",
    "pagto": "pagamento",
    "compr": "comprovante",
    "comprov": "comprovante",
    "boletos": "boleto",
    "fds": "fim de semana",
    "prox": "proxima",
    "proxim": "proxima",
    "semna": "semana",
    "vo": "vou",
    "consigu": "consigo",
    "acert": "acertar",
    "pfv": "por favor",
    "pfvr": "por favor",
    "pf": "por favor",
    "vdd": "verdade",
    "cmg": "comigo",
    "pagado": "pago",  # "ja tinha pagado": paid
    # The days of a reply in Spanish or English ("pago el lunes", "ya pagué
    # ayer", "I paid yesterday"): Spanish "pago" is a promise, read by its day.
    "lunes": "segunda",
    "martes": "terca",
    "miercoles": "quarta",
    "jueves": "quinta",
    "viernes": "sexta",
    "ayer": "ontem",
    "anteayer": "anteontem",
    "hoy": "hoje",
    "manana": "amanha",
    "viene": "vem",
    "monday": "segunda",
    "tuesday": "terca",
    "wednesday": "quarta",
    "thursday": "quinta",
    "friday": "sexta",
    "saturday": "sabado",
    "sunday": "domingo",
    "yesterday": "ontem",
    "today": "hoje",
    "tomorrow": "amanha",
}
WEEKDAYS = {
    "segunda": 0,
    "terca": 1,
    "quarta": 2,
    "quinta": 3,
    "sexta": 4,
    "sabado": 5,
    "domingo": 6,
}
MONTHS = {
    "janeiro": 1,
    "jan": 1,
    "fevereiro": 2,
    "fev": 2,
    "marco": 3,
    "abril": 4,
    "abr": 4,
    "maio": 5,
    "junho": 6,
    "jun": 6,
    "julho": 7,
    "jul": 7,
    "agosto": 8,
    "ago": 8,
    "setembro": 9,
    "set": 9,
    "outubro": 10,
    "out": 10,
    "novembro": 11,
    "nov": 11,
    "dezembro": 12,
    "dez": 12,
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
# Not the short ones ("dez" is also ten, "set" and "out" words of their own).
_FULL_MONTH_NAMES = "|".join(name for name in MONTHS if len(name) > 3)
NUMBER_WORDS = {
    "um": 1,
    "uma": 1,
    "primeiro": 1,
    "dois": 2,
    "duas": 2,
    "tres": 3,
    "quatro": 4,
    "cinco": 5,
    "seis": 6,
    "sete": 7,
    "oito": 8,
    "nove": 9,
    "dez": 10,
    "onze": 11,
    "doze": 12,
    "treze": 13,
    "quatorze": 14,
    "catorze": 14,
    "quinze": 15,
    "dezesseis": 16,
    "dezessete": 17,
    "dezoito": 18,
    "dezenove": 19,
    "vinte": 20,
    "trinta": 30,
}

# -- the phrases of each intent, on folded text ------------------------------------------
# "(não) pedi pra sair da lista": asked to leave, not "ordered".
_ASKED_OUT = (
    r" (para|que) (sair|parar|pararem|ser (removid|excluid|retirad)|descadastr|tirar|remover|"
    r"me (tirar|remover|descadastrar|excluir))"
)
# The debtors' register ("sair do cadastro de inadimplentes", Serasa): a
# question about settling the debt, not about the messages.
_REGISTER = r"(?! (de |dos )?(inadimplent|negativ|devedor|mau pagador|maus pagadores|serasa|spc))"
# A message, a call or a notice (not the goods) never had: "nunca recebi
# mensagem de vocês", "nunca recebi ligação", "nenhum aviso por e-mail".
_MESSAGE_HAD = (
    r"| (nenhuma |nenhum |essa |esse |uma |um |a |o |as |os )?(mensage\w*|sms|e mail|email|"
    r"ligac\w*|contato|whats\w*|zap|aviso|avisos|lembrete\w*|notificac\w*)\b"
)
_PAID = [
    r"\bja (foi |esta |estava |tinha |tinha sido )?"
    r"(pag[oa]\b|paguei|quitad[oa]|quitei|acertei|transferi)",
    r"\bja (fiz|efetuei|realizei|mandei|enviei|fizemos|efetuamos|realizamos) (o |a |um |uma )?"
    r"(pagamento|pix|transferencia|deposito|ted|doc)",
    r"\bpaguei\b",
    r"\bpagamos\b",
    r"\b(ja )?quitei\b",
    r"\b(foi|esta|estao|ja esta|tudo) (pag[oa]s?|quitad[oa]s?)\b",
    r"\bpagamento (ja )?(foi )?(feito|efetuado|realizado|enviado|confirmado)",
    r"\b(fiz|fez|fizeram|efetuei|mandei|realizei) (o |um |a |uma )?"
    r"(pix|deposito|pagamento|ted|transferencia)\b",
    r"\b(efetuamos|realizamos|fizemos) (hoje |ontem |agora )?(o |a |um |uma )?(pagamento|pix|"
    r"transferencia|deposito|ted|quitacao)\b",
    r"\bsegue (o |em anexo o |anexo o |abaixo o )?comprovante",
    r"\b(envio|enviei|mandei|anexo|anexei) (o |os )?comprovantes?\b",
    r"\bcomprovante (segue|em anexo|anexo|enviado)",
    r"\bpix (feito|enviado|realizado|efetuado|ja foi)",
    r"\bdebitado\b",
    r"\bcaiu (ai|na conta)",
    r"\b(ja )?(transferi|depositei)\b|^ja foi$",
    r"\bboleto (ja )?(foi )?pago\b",
]
_PAID_MORE = [
    r"\b(pagou|pagaram|quitou|quitaram|regularizei|regularizamos|liquidei)\b",
    # not "será quitado até o dia 12", a payment to come
    r"(?<!sera )(?<!serao )(?<!vai ser )(?<!vao ser )"
    r"\b(quitado|quitada|regularizado|regularizada|liquidado|liquidada)s?\b",
    r"\bacabei de (pagar|fazer o pix|fazer o pagamento|transferir|quitar|depositar|mandar o pix)",
    r"\b(transferencia|deposito|pix|pagamento|ted) (ja )?(foi )?(feit[oa]|realizad[oa]|"
    r"efetuad[oa]|enviad[oa]|mandad[oa])\b",
    r"^(sim )?(pago|paga|pagos|quitado|quitada)\b",
    r"\bfoi pag[oa]\b",
    # "o pagamento da fatura com vencimento em 28/12 ... foi efetuado no dia 30/12"
    r"\b(transferencia|deposito|pix|pagamento|ted)\b(?! (sera|vai|vou|iremos))[^?]{0,80}?\b"
    r"(ja )?foi (feit[oa]|realizad[oa]|efetuad[oa]|enviad[oa])\b",
    # A receipt sent alone, a file with its caption ("[document] Comprovante de
    # pagamento.pdf", "o comprovante está em anexo"); not "cadê o comprovante?"
    # nor "não tenho comprovante"
    r"^((document|image|arquivo|imagem|foto) )?(segue )?(o |meu )?comprovante( (de|do|da) "
    r"(pagamento|pix|transferencia|deposito|ted))?( (pdf|jpg|jpeg|png))?$",
    r"^(o |meu )?comprovante\b[^?]{0,30}\b(em |no |vai )?anexo\b",
]
_PROMISE = [
    r"\b(vou|vamos|irei|iremos|posso|consigo|conseguirei|consigo|vou conseguir|pretendo|devo|"
    r"quero|prometo|garanto) (te |lhe |lhes )?(pagar|quitar|acertar|depositar|"
    r"transferir|fazer o pix|fazer o pagamento|efetuar o pagamento|realizar o pagamento|"
    r"mandar o pix|pagar tudo|regularizar|liquidar|saldar|cobrir)",
    r"\b(pagarei|pagaremos|quitarei|quitaremos|acertarei|acertaremos|depositarei|transferirei|"
    r"regularizarei|regularizaremos|liquidaremos|liquidarei)\b",
    r"\b(agendei|agendamos|programei|programamos) (o |a )?(pagamento|pix|transferencia|boleto|"
    r"para|pra)\b",
    r"\b(pagamento|boleto|titulo|fatura) (agendad[oa]|programad[oa]) (para|pra)\b",
    r"\b(pago|quito|acerto|deposito|transfiro|faco o pix|faco o pagamento|mando o pix|"
    r"faco a transferencia)\b.{0,25}\b(amanha|hoje|dia \d|dia [a-z]+|segunda|terca|quarta|"
    r"quinta|sexta|sabado|domingo|semana|fim do mes|final do mes|mes que vem|ate|no \d|"
    r"em \d|daqui)",
    r"\b(amanha|hoje|segunda|terca|quarta|quinta|sexta|sabado|domingo|dia \d+)\b.{0,20}\b"
    r"(pago|quito|acerto|deposito|transfiro|faco o pix|eu pago|te pago|resolvo|faco o pagamento)\b",
    r"\bassim que (eu )?(receber|cair|entrar|pingar)",
    r"\bquando (eu )?(receber|cair o|entrar o|pingar)",
    r"\b(vou|irei) (resolver|regularizar|ver isso e pagar)",
    r"\bpagamento (sera|vai ser) (feito|efetuado|realizado)",
    r"\b(estarei|vou estar) (pagando|quitando|efetuando)",
    r"\b(ate|no mais tardar) (amanha|sexta|segunda|terca|quarta|quinta|sabado|o fim do mes|"
    r"o final do mes|dia \d+)\b.{0,20}\b(pago|quito|resolvo|acerto|sai|cai)",
]
_PROMISE_MORE = [
    r"\b(efetuarei|farei|realizarei|faremos|efetuaremos|enviarei|mandarei)\b",
    r"\b(eu|a gente|nos|ai eu|entao eu|que eu) (pago|paga|pagamos|quito|quita|quitamos|acerto|"
    r"acerta|resolvo|deposito|transfiro|faco o pix|mando o pix)\b",
    r"\b(vamo|vamos|vou|vai) (pagar|quitar|acertar|depositar|transferir|resolver)",
    r"\b(fica|ficou) (para|pra) (o )?(dia|amanha|segunda|terca|quarta|quinta|sexta|sabado|"
    r"domingo|semana|fim|final)",
    r"\bsem falta\b",
    r"\b(ta|esta|estara) na conta\b",
    r"\b(ta|esta|estara) (pago|quitado|resolvido|acertado)\b.{0,3}$",
    r"\b(fazer|efetuar|realizar) o pagamento\b",
    r"\bta bom\b",
    r"\b(ate|no) (segunda|terca|quarta|quinta|sexta|sabado|domingo|amanha|dia \d+)\b.{0,30}"
    r"\b(pago|quitado|resolvido|acertado|na conta)\b",
    r"\bo pix vai\b|\bo pagamento vai\b|\bvai (cair|entrar) na conta",
    r"\b(sera|serao|vai ser|vao ser) (pag|quitad|liquidad|regularizad|acertad|depositad|"
    r"transferid)[oa]s?\b",
    r"\bfazemos o pagamento|\bfaco o pagamento|\bfaco o pix",
    r"\bconsigo resolver\b",
]
_DISPUTE = [
    r"\bnao (reconheco|conheco|reconhecemos) (essa|esta|esse|este|a|o|nenhuma|nenhum) ?"
    r"(divida|cobranca|conta|fatura|compra|valor|debito|boleto|servico|pedido|nota)",
    r"\bnao (reconheco|conheco|reconhecemos) isso\b",
    r"\bnao reconheco\b(?! (o|este|esse|esta|essa|seu) (numero|contato|telefone|remetente))",
    r"\bcobranca (errada|indevida|equivocada|incorreta|abusiva)",
    r"\b(valor|boleto|fatura|conta) (esta |ta |veio )?(errad[oa]|incorret[oa]|indevid[oa])",
    r"\bnao (comprei|fiz (essa |esta |nenhuma )?compra|contratei|pedi|assinei)\b"
    r"(?!" + _ASKED_OUT + ")",
    # not "nunca recebi mensagem de vocês": the sender doubted, not the debt
    r"\bnunca (comprei|contratei|recebi|fiz|pedi|tive)\b(?!" + _ASKED_OUT + _MESSAGE_HAD + ")",
    r"\b(produto|mercadoria|pedido|aparelho|servico|item|peca)\b.{0,30}\b(defeito|quebrad[oa]|"
    r"estragad[oa]|danificad[oa]|avariad[oa]|nao funciona|nao chegou|nao foi entregue|errad[oa])",
    r"\b(veio|chegou) (com )?(defeito|quebrad[oa]|errad[oa]|faltando)",
    r"\b(nao|nunca) (recebi|chegou) (o |a |os |as )?(produto|mercadoria|pedido|encomenda|servico)",
    r"\bja (cancelei|foi cancelad[oa]|tinha cancelado|pedi o cancelamento)",
    r"\b(cancelei|cancelamos) (o |esse |este |a |essa )?(servico|contrato|plano|pedido|compra)",
    r"\bisso (nao e|nao eh) meu\b",
    # not "não devo conseguir pagar hoje" (I probably won't)
    r"\bnao (devo(?! (conseguir|dar|ter|poder|conseguimos))|estou devendo|to devendo|"
    r"tenho divida)",
    r"\bnao tenho nenhuma (divida|conta|pendencia)",
    r"\b(cobrando|cobraram) (errado|a mais|duas vezes|em dobro)",
    r"\bcobranca em duplicidade|\bduplicad[oa]\b|\bcobrado duas vezes",
    r"\bcontestar\b|\bcontesto\b|\bcontestacao\b",
]
_DISPUTE_MORE = [
    r"\b(veio|vieram|esta|estao|foi) (com )?(\w+ )?errad[oa]s?\b",
    r"\bnunca (usei|pisei|estive|assinei|fui cliente|comprei|contratei)",
    r"\b(nao e|nao eh|nao sao) (minha|meu|minhas|meus|nossa|nosso|nossas|nossos)\b",
    r"\b(voces|vcs|me) (cobraram|cobrando|cobrou)\b",
    r"\bcobraram\b",
    r"\bfoi cancelad[oa]\b",
    r"\bnao ficou bom\b|\bmesmo problema\b",
    r"\bnao era (para|pra) cobrar\b",
    r"\bnao (devo|devemos) (nada|isso)\b",
]
_WHO = [
    r"\bquem (e|fala|esta falando|ta falando|sao voces|e voce|eh|manda|mandou|escreveu)",
    r"^quem\b",
    r"\bque empresa\b",
    r"\bde onde (e|voces sao|sao|fala|e isso)",
    r"\bque (fatura|conta|divida|cobranca|boleto|valor) (e essa|e esse|e esta|seria|eh)",
    r"\bqual (fatura|conta|divida|cobranca|boleto|empresa|compra|nota)\b",
    r"\b(e|eh|seria|sera|isso e) (um )?golpe\b",
    r"\bgolpe\b",
    r"\bnao sei (do que|oque|o que) (se trata|e isso|voce esta falando|voces estao falando)",
    r"\bdo que se trata\b",
    r"\bnao conheco (essa empresa|voces|esta empresa)",
    r"\bcomo (conseguiu|conseguiram|pegaram|voces pegaram) (meu|o meu) (numero|contato)",
    r"\bque (e|eh) isso\b",
    r"\bquem (sao|e) (voces|vcs)\b",
]
_WHO_MORE = [
    r"\b(qual|que) (e )?o nome da (empresa|loja)",
    r"^(e|eh) (da|do|de) ",
    r"\bde qual (loja|empresa|banco|firma)",
    r"\b(cobranca|fatura|conta|divida|boleto|compra) de que\b",
    r"\breferente a (que|qual)",
    r"\b(voce|voces|ce) (e|eh|sao) de onde",
    r"\blegitim",
    r"\b(nem )?sei quem (voces|vcs) sao",
    r"\bnao conhe[cç]o (essa|esta) (empresa|loja|firma)",
]
_NEGOTIATE = [
    r"\bparcel(ar|amento|ado|ada|o|e|amos|ando|aria|asse)\b",
    r"\bparcelas (menores|mais baixas|a perder de vista)|\b(mais|menos) parcelas\b",
    r"\bem \d+ ?(x|vezes|parcelas)\b",
    r"\b(em|de|por) \d+ ?x\b",
    r"\b(duas|tres|quatro|cinco|seis|dez|doze) (vezes|parcelas)\b",
    r"\bnegoci(ar|acao|amos|a)\b",
    r"\bacordo\b",
    r"\bdesconto\b",
    r"\b(dividir|dividido|divide)\b",
    r"\bentrada\b.{0,30}\b(resto|restante|parcela)",
    r"\b(diminuir|abaixar|reduzir) (o valor|os juros|a multa)",
    r"\b(tirar|retirar|isentar|perdoar|tira|tirem) (os |esses |estes |a |essa )?(juros|multa)",
    r"\bproposta\b",
    r"\bpagar (uma )?parte\b|\bpagar metade\b|\bpouco a pouco\b|\baos poucos\b",
    r"\brenegoci",
]
_NEGOTIATE_MORE = [
    r"\b(em|de|por|nas|com) (\w+ )?parcelas\b",
    r"\bfaz por \d+",
    r"\b(o )?resto\b.{0,30}\b(parcel|depois|mes que vem|voces)",
    r"\bpor mes\b",
    r"\bcondic(ao|oes) (especial|especiais|de pagamento|melhor)",
    r"\bdificuldade financeira",
    r"\bmais prazo\b",
]
# What may follow a stop word alone: the channel it stops, an "agora" that
# hurries it, a courtesy ("SAIR SMS", "PARE AGORA!!!", "sair por gentileza").
_STOP_TAIL = (
    r"( (sms|whatsapp|whats|zap|wpp|e mail|email|mensagem|mensagens|agora|ja|imediatamente|it|"
    r"urgente|por favor|por gentileza|pelo amor de deus|pls|please|obrigad[oa]))*$"
)
# A stop word alone, in the whole reply or in a clause of its own ("pago dia
# 10. Sair"); not "o salário sai agora".
_STOP_ALONE = [
    r"^(\w+ ){0,2}(sair|parar|stop|pare|parem)" + _STOP_TAIL,
    r"^(sair|parar|para|stop|pare|parem|chega|cancelar|descadastrar)" + _STOP_TAIL,
]
_OPTOUT = [
    *_STOP_ALONE,
    # "pare", "parem" (the plural a family writes)
    r"^(sair|parar|pare|parem|stop|cancelar|descadastrar|remover|remove|remova|chega)$",
    # "não quero receber mensagens"; not "não quero receber juros" nor "a visita do cobrador"
    r"\bnao (quero|desejo|aceito) (mais )?(receber( mais)?( (essas?|esses?|estas?|estes?|as|os|"
    r"suas?|seus?|nenhuma?|mais))? (mensage|sms|cobranca|ligac|e mail|email|whats|zap|notificac|"
    r"aviso|lembrete|isso|nada|trem|coisa)|receber( mais)?$|ser incomodad|"
    r"que me (mandem|liguem|enviem))",
    r"\b(pare|parem|para|parar) (de )?(me )?(mandar|enviar|ligar|mandarem|encher|incomodar|"
    r"perturbar)",
    r"\b(me )?(tira|tire|tirem|remova|remover|remove|exclua|exclui|excluir|retire|retira)\b.{0,20}"
    r"\b(lista|cadastro|contato|numero|meu numero)\b" + _REGISTER,
    r"\bdescadastr",
    r"\bnao me (mande|mandem|envie|enviem|ligue|liguem|perturbe|perturbem|incomode|incomodem)",
    # "não me liga mais", "não me manda mais isso" (the indicative a phone writes);
    # not "não me liga agora, estou no trabalho"
    r"\bnao me (liga|ligam|manda|mandam|envia|enviam) mais\b",
    r"\bchega (de|dessas?|desses?|destas?|destes?) "
    r"(mensagem|mensagens|sms|ligacao|ligacoes|cobranca)",
    # "quero sair", "pfv pare", "por favor, parem"; not "...esperando a rescisão sair"
    r"^(\w+ ){0,2}(sair|sai|parar|stop|pare|parem)( it)?( (por favor|pls|please|obrigad[oa]))?$",
    r"\bsair d[ao] (lista|cadastro)\b" + _REGISTER,
    r"\bunsubscribe\b|\bstop (texting|messaging|sending|calling)\b",
    r"\bnao quero (mais )?(receber )?mensage|\bno (me )?(manden|envien|escriban) mas\b",
    # Spanish: "no quiero recibir más mensajes", "dejen de enviarme", "darme de baja"
    r"\bno quiero (recibir )?(mas )?(mensajes|correos|sms|llamadas)\b|"
    r"\b(dejen|deje|deja) de (enviar|mandar|escribir|llamar)\w*|\bdar(me)? de baja\b",
]
_OPTOUT_MORE = [
    # "favor retirar meu contato"; not "retirar meu nome do cadastro de inadimplentes"
    r"\b(retirem|retire|retirar|tirem|tire|removam|remova|exclua|excluam|excluir)\b.{0,40}\b(lista|"
    r"cadastro|envio|contato|endereco|numero|email)\b" + _REGISTER,
    # "não quero mais nenhuma mensagem", "não quero mais essas mensagens"
    r"\bnao quero mais (receber )?(nenhuma|nenhum|essas?|esses?|estas?|estes?|suas?|seus?) "
    r"(sms|mensage|notificac|aviso|lembrete|ligac|e mail|email|whats|zap)",
    r"\bcancel\w* (o )?(envio|essas mensagens|as mensagens)",
    r"^(sair|parar|para|stop|pare|parem|chega)( por favor| obrigad[oa])?$",
    r"\bnao (me )?(mandem|manda|mande|envie|enviem|enviar) mais\b|\bnao quero mais( nada)?$|"
    r"\bnao quero mais (receber )?(sms|e mail|email|mensage|whats|zap|ligac|cobranca|contato|"
    r"notificac|aviso|lembrete)",
    # "não autorizo o envio"; not a disclaimer's "não autorizo a leitura"
    r"\bnao autorizo (o |a )?(envio|contato|ligac|mensage|cobranca|uso do meu)",
    r"\bme remov",
    r"\bbloque(ando|ar|ei|arei)\b",
    # "bloqueia meu número aí", "bloqueiem esse número"; not "o banco bloqueia o pix"
    r"\b(bloqueia|bloqueie|bloqueiem)\b.{0,20}\b(numero|contato|telefone|celular|whats\w*|zap)\b",
    # "não quero ligação nem mensagem", "não quero ligação"; not "ligação com essa dívida"
    r"\bnao (quero|desejo|aceito) (mais )?(receber )?(ligac\w*|telefonema\w*)\b(?! (com|entre)\b)",
    # "quero sair dessa lista", "sair desse cadastro"
    r"\bsair d(a|o|essa|esta|esse|este|a sua|e sua|e seu)s? (sua |seu )?(lista|cadastro|mailing)\b"
    + _REGISTER,
    # "quero ser removida da lista"; not "o débito deve ser removido"
    r"\b(quero|queria|gostaria de|desejo|favor|pode|podem|poderiam) ser (removid|excluid|"
    r"retirad|descadastrad)[oa]s?\b",
    r"(\b(quero|queria|gostaria de|desejo) |^)(parar|deixar) de receber\b",
    r"\bcancel\w* (o |a |meu |minha )?(recebimento|inscricao)\b|\bdesinscrev",
    # asked as a favour: "pode tirar meu número?", "pode me tirar da lista?",
    # "apaga meu número", "como faço pra parar de receber essas mensagens?"
    # (not "tirar meu nome do SPC", "tirar o número do boleto")
    r"\b(tirar|tira|tire|tirem|apagar|apaga|apague|apaguem|excluir|exclui|deletar|deleta|"
    r"delete|deletem|remover)\b (o |a )?(meu|meus|minha) (numero|contato|telefone|celular|"
    r"email|e mail|whats\w*|zap)\b" + _REGISTER,
    r"\bme (tirar|remover|excluir|retirar|descadastrar) d(a|o|essa|esta|esse|este|e sua|a sua|"
    r"e seu)s? (sua |seu )?(lista|cadastro|mailing|base|envio)\b" + _REGISTER,
    r"\b(como|onde) (eu )?(faco|faz|posso|consigo|se faz)( para| pra)? (parar|deixar) de "
    r"receber\b",
]
_PROMISE_MORE += [
    r"\bassim que (der|puder|possivel|conseguir|sair|entrar)",
    r"\b(preciso de|mais) (uns|alguns) dias\b",
    r"\bquando (eu )?recebe\b",
    r"\bvou paga\b",
    r"\b(so )?consigo (na|no|dia|amanha|segunda|terca|quarta|quinta|sexta|sabado|domingo)\b",
    r"\b(amanha|hoje|segunda|terca|quarta|quinta|sexta|sabado) (sim|sem falta|eu consigo)\b",
]
_DISPUTE_MORE += [
    r"\b(diverge|divergente|divergencia)\b",
    r"\b(valor|fatura|cobranca)\b.{0,30}\bnao (confere|corresponde|bate)\b",
    r"\bnao (confere|corresponde|bate) com (o|a) (combinado|orcamento|pedido|contrato|proposta)",
    r"\b(devolvi|devolvemos|devolvido|devolvida)\b|\bnota de devolucao\b|\bnf de devolucao\b",
    r"\b(nunca|nao) foi (entregue|prestado|executado|concluido|realizado)\b",
    r"\b(servico|manutencao|conserto|obra|instalacao)\b.{0,30}\bnao (foi )?(prestad|conclui|"
    r"executad|realizad|feit|termin)",
    r"\bextraviad[oa]\b|\bfraud\w*|\bboletim de ocorrencia\b",
    r"\b(apresentou|deu|com) defeito\b",
    r"\bnao foi aplicad[oa]\b",
    r"\bindevid",
    r"\b(cobrar|cobrando|cobraram|cobram)\b.{0,15}\b(mensalidade|mes cheio|duas vezes|em dobro|a "
    r"mais|de novo|outra)\b",
    r"\bquerem cobrar\b",
    r"\bcancelei\b",
    r"\bculpa (do|de|da|dos|das)\b",
    r"\bacima do (combinado|valor|orcamento)",
    r"\b(rapaz|vendedor|atendente|vendedora) (falou|disse)\b",
    r"\bsem funcionar\b|\bnao funcionou\b|\bficou pela metade\b",
    r"\b(produto|mercadoria|pedido|encomenda|entrega|compra)\b.{0,25}\b(nunca|nao) (chegou|veio|"
    r"foi entregue)",
    r"\bnao recebi (o |a |os |as )?(produto|mercadoria|pedido|servico|encomenda|nada)",
    # "o técnico nunca apareceu", "não apareceu pra instalar", "ninguém veio
    # instalar": a service never delivered (not "o técnico não apareceu hoje")
    r"\b(tecnicos?|instalador\w*|montador\w*|entregador\w*|eletricista\w*|encanador\w*|"
    r"prestador\w*)\b.{0,20}\b(nunca|jamais) (apareceu|apareceram|veio|vieram|compareceu|"
    r"compareceram)\b",
    r"\b(nunca|nao|ninguem) (apareceu|apareceram|veio|vieram|compareceu|compareceram)"
    r"( aqui)?( para| pra)? (instalar|fazer|entregar|montar|consertar|arrumar|executar|realizar|"
    r"prestar)\b",
    r"\b(nao|nunca|jamais) (pago|vou pagar) (o resto|o mes|isso|essa(?! semana)|"
    r"esse(?! mes| fim))\b",
]
_DISPUTE_MORE += [
    # "não estou de acordo com esse valor": disagreeing, not a deal asked for
    # (with the charge itself: "não concordamos com a multa, pagaremos terça" pays)
    r"\bnao (estou|estamos|to|fico|ficamos) de acordo\b|\bnao concord(o|amos) com (a|o|essa|esse|"
    r"esta|este) (cobranca|valor|fatura|debito|boleto|conta)\b",
    r"\bpela metade\b|\b(nem|nao) foi feito direito\b|\bmal feito\b|\bmalfeito\b",
    r"\bparou de funcionar\b|\bnao funciona mais\b",
    r"\b(nao|nunca) (entregou|entregaram)\b",
    r"\b(chegou|veio|vieram|chegaram) (toda |todo )?(avariad|danificad|estragad|amassad|violad)",
    r"\benquanto (voces |vcs )?nao (resolver|consert|troc|arrum|entreg|devolv|corrig)\w*",
    r"\b(pedi|pedimos|solicitei|solicitamos) (para|pra|o) cancel\w*|\bsolicitei o cancelamento\b",
    r"\bcobranca (de (juros|multa|taxa)s? )?abusiva\b",
    r"\bvalor diferente\b|\bo (valor )?correto (e|eh|seria)\b",
    r"\b(cnpj|cpf|razao social|nf|nota fiscal)\b (esta |ta |veio )?(errad|incorret)",
    r"\bcom o (cnpj|cpf) (errado|incorreto)\b",
    r"\b(nf|nota fiscal|nota|boleto) (correta|corrigid[oa])\b",
]
_WHO_MORE += [
    # "não reconheço o número que está me enviando, é da empresa mesmo?"
    r"\bnao reconheco (o|este|esse|esta|essa|seu) (numero|contato|telefone|remetente)",
]
_WHO_MORE += [
    r"\b(que|qual) (firma|loja|empresa|conta|cobranca|divida) (e|eh) (essa|esta|esse)\b",
    r"\bsei (que|qual) (firma|empresa|loja) (e|eh)\b",
    r"\bde onde (voces|vcs) (sao|falam|escrevem)\b",
    # not a disclaimer's "avise o remetente"
    r"\brazao social\b|(?<!avise o )(?<!informe o )(?<!notifique o )(?<!comunique o )"
    r"(?<!avisar o )(?<!informar o )(?<!notificar o )\bremetente\b",
    r"\bde qual (mes|compra|loja|pedido|nota)\b",
    r"^isso e (da|do|de)\b",
    r"\bnome da empresa\b",
    r"\bcnpj\b.{0,40}\b(confiro|conferir|verificar|verifico)",
    r"\brobo\b",
    r"\bcomo (voces|vcs) (conseguiram|pegaram|tem|arrumaram|acharam) (meu|o meu)",
    r"\bcobrando de que\b|\bde que (e|eh|se trata)\b",
]
_NEGOTIATE_MORE += [
    r"\b(mais um|um) tempinho\b|\bmais tempo\b|\besperar (um pouco|mais)\b",
    r"\b(mudar|trocar|alterar) o vencimento\b|\bprorrog",
    r"\bsegurar\b",
    r"\bcarne\b",
    r"\bmais (um )?prazo\b",
    r"(?<!pela )\bmetade\b",
    r"\bo resto\b",
    r"\bsem (os )?juros\b",
    r"\bprecinho\b|\b(preco|valor) melhor\b",
    r"\bvalor original\b",
    r"\bjuros (estao|esta|sao|tao) (muito )?(alt|salgad)",
]
# A courtesy or a plea closing a stop: "sai fora pelo amor de deus".
_PLEA = r"( (por favor|por gentileza|pelo amor de deus|please|pls))*$"
_OPTOUT_MORE += [
    r"\bexclusao (do|de) (meu|minha|meus|este|esse) (email|numero|contato|cadastro|dados|telefone)",
    r"\bexclusao\b.{0,40}\b(lista|listas|cadastro|base)\b",
    r"\bnao (ligue|liguem|ligar) mais\b",
    r"\b(desliguem|desligue|removam|remova|tirem|tire|apaguem|apague)\b.{0,20}\bnumero\b",
    r"\bnao (mandar|enviar|mande|envie|mandarem|enviarem|mandem|enviem) (mais )?mensage",
    # "deixem de enviar-me mensagens", "parem de me mandar sms"
    r"\b(deixem|deixe|parem|pare) de (me )?(enviar|mandar)( me)?( \w+){0,2} "
    r"(mensage\w*|sms|e mails?|emails?|cobrancas?|whats\w*)\b",
    # "para com isso", "me esquece", "sai fora", begged or not ("me deixem em
    # paz pelo amor de deus")
    r"^(por favor )?(para|pare|parem|chega) com (isso|essas? mensage\w*|esse spam)" + _PLEA,
    r"^(me esquece|me esquecam|esquece(m)? (de )?mim|me (deixa|deixe|deixem) em paz)" + _PLEA,
    r"^sai fora( daqui)?" + _PLEA,
    # English: "remove me from this mailing list", "do not text me"; not "the
    # debtors list"
    r"\b(remove|take|delete) me (from|off)( (this|your|the|that))?( (mailing|contact|sms|email|"
    r"e mail|text|texting|whatsapp|messaging))? list\b|\bopt(ed)? ?out\b|"
    r"\b(do not|dont|don t|never) (text|message|email|e mail|contact|call|write|write to) me\b",
    # "nunca autorizei vocês a me mandarem mensagem"
    r"\b(nunca|nao|jamais) autorizei\b.{0,30}\b(mand|envi|lig|mensage|contat|receb)",
    # "pode mandar no email, whatsapp não": that channel refused
    r"\b(whats\w*|zap|wpp|sms|e mail|email|ligac\w*|ligar|cartas?)( nao| jamais| nunca)$",
]
_PAID += _PAID_MORE
_PROMISE += _PROMISE_MORE
_DISPUTE += _DISPUTE_MORE
_WHO += _WHO_MORE
_NEGOTIATE += _NEGOTIATE_MORE
# -- asking for the way to pay -------------------------------------------------------------
# The means a customer asks for (folded: "segunda via" is "outra via"); not a
# copy of the tax invoice or of a receipt ("segunda via da nota fiscal").
_MEANS = (
    r"(boleto|pix|codigo (do |de |da )?(pix|boleto|barras)|chave( do| de)? pix|copia e cola|"
    r"qr ?code|qr|linha digitavel|link|outra via(?! d[aoe]s? (nota|nf|nfe|recibo|comprovante|"
    r"contrato|declaracao|documento))|dados (para|de) (pagamento|deposito|transferencia))\b"
)
_PAYLINK = [
    # "me manda o boleto de novo", "pode mandar o código pix?", "enviem a segunda via"
    # (not "vou mandar o pix", a payment to come: "mandar" only asked for)
    r"\b(manda|mande|mandem|envia|envie|enviem|reenvia|reenvie|reenviem|reenviar|passa|passe|"
    r"passem|encaminha|encaminhe|encaminhem|gera|gere|gerem|gerar|emite|emita|emitir|preciso|"
    r"precisava|quero|queria|gostaria|favor|solicito)\b( \w+){0,3}? "
    r"(o |a |um |uma |outro |outra |novo |nova |os |as |do |da )?" + _MEANS,
    r"\b(pode|podem|poderia|poderiam|consegue|conseguem|favor|tem como|da para|daria para)"
    r"( me| nos)? (mandar|enviar|passar|encaminhar)( \w+){0,2}? "
    r"(o |a |um |uma |outro |outra |novo |nova |os |as )?" + _MEANS,
    # "qual a chave pix", "qual é o código do pix?", "qual o link"
    r"\bqual (e |seria )?(a |o )?(sua |seu )?(chave|codigo|pix|link|linha digitavel|qr)\b",
    r"\b(cade|kd) (o |a )?" + _MEANS,
    # "perdi o boleto", "não achei o link", "não recebi o boleto"
    r"\b(perdi|apaguei|nao (achei|acho|encontro|encontrei|localizei|localizo|recebi|chegou))\b"
    r"( \w+){0,2}? (o |a )?(boleto|link|codigo|pix|outra via)\b",
    # "boleto vencido, manda outro", "o boleto venceu, pode mandar outro?"
    r"\b(boleto|link|codigo|qr ?code)\b.{0,60}\b(?<!nao )(?<!nem )(manda|mande|mandem|envia|envie|"
    r"enviem|reenvia|reenvie|reenviem|gera|gere|gerem|emite|emita|emitam|"
    r"(pode|podem|poderia|poderiam|consegue|conseguem|tem como|da para)( me| nos)? "
    r"(mandar|enviar|reenviar|gerar|emitir))( me| nos)? (um |uma )?(outro|outra|novo|nova)"
    r"( (por favor|ai|aqui|para mim|atualizad[oa]|com a data de hoje|obrigad[oa]))*$",
    # the means first: "o boleto quero por e-mail", "a segunda via eu preciso"
    r"\b(boleto|outra via|chave pix|codigo (do |de )?(pix|barras)|link)\b (eu )?(quero|queria|"
    r"preciso|gostaria)\b(?! (pagar|mais|nada))",
    # whether there is one: "tem pix copia e cola?", "vcs tem link?", "link pra pagar?"
    r"^(voces |vcs )?(tem|teria|tens)( um| uma| o| a)? (pix( copia e cola)?|copia e cola|boleto|"
    r"link|qr ?code|chave pix|codigo (do |de )?(pix|barras))( (para|pra|de) (pagar|pagamento))?"
    r"( por favor| ai)?$",
    r"^(o |a |um |uma )?(link|boleto|pix|codigo|qr ?code) (para|pra|de) (pagar|pagamento)$",
    # the means alone: "segunda via por favor", "boleto atualizado pfv"
    r"^(a |o )?(outra via|boleto|chave pix|codigo pix|link|pix copia e cola|qr code)"
    r"( (por favor|atualizad[oa]|de novo|novamente|obrigad[oa]|do boleto|ai|aqui))*$",
]
# What keeps an ask for the means from being one: a means that does not work
# ("o pix não funciona", "o código deu erro", "o link não abre") is for a
# person; "não precisa mandar o boleto", "parem de mandar boleto" ask nothing.
_PAYLINK_TROUBLE = re.compile(
    r"\b(erro|erros|deu ruim|nao (estou |to |esta |estamos )?conseguindo|"
    r"nao (funciona|funcionou|abre|abriu|carrega|aceita|aceitou|passa|"
    r"passou|le|leu|reconhece|reconheceu|consigo|consegui|esta funcionando|aparece|apareceu)|"
    r"expir\w*|invalid\w*|ilegivel|problema|travou|travando|incorret\w*|errad\w*|"
    r"corrompid\w*|danificad\w*|em branco|outra empresa|golpe)\b"
)
_PAYLINK_NEGATED = re.compile(
    r"\b(nao|nem|pare|parem|para|parar|chega)( de)? (precisa|precisam|preciso|quero|queria|"
    r"mande|manda|mandem|mandar|envie|enviem|enviar|envia)\b( \w+){0,2}? "
    r"(o |a |os |as |mais )?" + _MEANS
)
_OPTOUT += _OPTOUT_MORE
_NEGATION = re.compile(
    r"\b(nao|nunca|jamais|sem condicoes de|sem condicao de|impossivel)\b(?: \w+){0,3}? "
    r"(vou|vai|consigo|conseguirei|da|dar|posso|tenho como|irei|pagar|pago|pagarei|"
    r"conseguir|vamos|consegui)\b"
)
# Doubt: the customer is not sure themselves; a person reads it.
_HEDGE = re.compile(
    r"\b(ou nao|sim ou nao|depend\w*|nao lembro|nao sei se|vou ver se|vou verificar se|acho que|"
    r"talvez|quem sabe|se der|nao tenho certeza|paguei (so )?(uma |a )?(parte|metade)|"
    r"paguei um pouco|vou tentar|tentarei|vamos tentar|tentar pagar|se eu conseguir|"
    r"se conseguir|se sobrar)\b"
    # A condition: "se o cliente me pagar", "se for minha", "se eu receber".
    r"|\bse (o|a|os|as|eu|ele|ela|eles|elas|nos|a gente|der|for|tiver|receber|cair|entrar|"
    r"pagarem|me pagarem|deus quiser|tudo)\b"
    # Part of it: "consigo pagar só 100", "falta 150", "o resto".
    r"|\bso (r\$ ?)?\d+|\bfalta(m)? (r\$ ?)?\d+"
    # "paguei só a primeira parcela", "paguei a parcela 3", "paguei 2 das 3",
    # "paguei 150 dos 300", "uma das duas", "a minha parte", "a maior parte";
    # "falta a 4", "falta pouco"; "paguei a de novembro, a de dezembro ainda
    # não": a person sees what is still owed.
    r"|\bpague\w* (so |somente |apenas )?(a |uma )?(primeira|(terceira|quarta|quinta) parcela|"
    r"outra parcela|parcela \d+|\d+ d[oa]s|uma d[oa]s|minha parte|maior parte)"
    r"|(?<!nao )\bfalta(m)? (a|o|as|os|uma|um|pouco|so|pagar|ainda)\b"
    r"|\bpague\w*\b.{0,60}\b(a|o|as|os) (de \w+|outra \w+|\w+ parcela) ainda nao\b"
    # Paid, and the money came back: "o banco devolveu", "estornou"
    r"|\b(devolveu|devolvid[oa]|estornou|estornad[oa]|estorno|voltou o (pix|pagamento|"
    r"boleto|dinheiro)|pagamento (recusado|nao compensou|nao caiu))\b"
    # Paid wrong: "paguei errado", "fiz o pix errado", "paguei a mais", "em
    # duplicidade": the money is not where the invoice needs it.
    r"|\b(paguei|pago|pagamento|pix|boleto|codigo|conta|deposit\w*|transferi\w*)( \w+){0,2} "
    r"(errad[oa]s?|a mais|a menos|em dobro|em duplicidade|duplicad[oa]s?)\b"
    r"|\bja paguei\s*\?"
    # A payment once meant: "ia pagar dia 10 mas o salário atrasou", "era pra
    # pagar amanhã", "iria pagar sexta": the day given up, not promised.
    r"|\b(ia|iria|iriamos|iamos|era para) (pagar|quitar|acertar|depositar|transferir|"
    r"fazer o pix|fazer o pagamento)\b"
)
_STRONG_PAID = re.compile(
    # "ja pago" is not one: "já pago na semana que vem" is a promise.
    r"\b(ja (foi|esta|paguei|pag(?!o\b)|quit|transfer|fiz|efetuei|realizei|mandei|enviei)|"
    r"paguei|pagou|pagaram|foi pag|tinha pag|tinha sido pag|acabei de|comprovante|quitei|"
    r"quitad|transferi|"
    r"fiz o (pix|pagamento|deposito)|efetuei|realizei|regularizei|desde)"
)
_STRONG_PROMISE = re.compile(
    r"\b(vou|vamos|vamo|irei|iremos|pagarei|pagaremos|efetuarei|farei|quitarei|acertarei|"
    r"assim que|quando (eu )?receber|sem falta)\b"
)
# "não consigo amanhã, só sexta": the day after "só" is the promise.
_ONLY_DAY = re.compile(
    r"\bso (na |no |dia |a |o |la (na |no |pra |para )?)?(amanha|depois de amanha|segunda|terca|"
    r"quarta|quinta|sexta|sabado|domingo|\d{1,2}\b|dia \d{1,2}\b)"
)
# "posso pagar dia 10?": asking leave is not yet a promise; the customer gets
# the link where they choose their new date ("pago dia 10, pode ser?" is one).
_PERMISSION = re.compile(
    r"\b(posso|podemos|poderia|poderiamos|pode|da|daria|seria possivel|tem como|consigo|"
    r"conseguimos|e possivel) (eu |para )?(esperar|pagar|quitar|acertar|fazer o pagamento|"
    r"efetuar o pagamento|ser|deixar|transferir|depositar)\b"
)
# A question asking leave names a later day or a delay: "posso pagar dia 10?",
# "dá pra esperar?", "posso pagar mês que vem?"; not "posso pagar no cartão?".
_LATER = re.compile(
    r"\b(esperar|depois|mais tarde|semana|mes|meses|ano|quinzena|salario|prazo|atrasar|adiar|"
    r"deixar|segurar|logo|quando|assim que|fim|final|inicio|comeco|" + _MONTH_NAMES + r")\b"
)
# A question that only seeks agreement with what was said before it.
_TAG_QUESTION = re.compile(
    r"(pode ser|pode|ok|tudo bem|fechado|beleza|combinado|certo|blz|pode confirmar|"
    r"(e|esta|ta) bom|tranquilo|serve|fica bom|sim)( para voces| pra voces| pra vc)?"
)
# Words that put a weak "pago" in the future: "pago mês que vem", "pago em
# janeiro", "pago com o décimo terceiro", "no quinto dia útil".
_FUTURE = re.compile(
    r"\b(mes que vem|proximo mes|semana que vem|proxima semana|ano que vem|logo|mais tarde|"
    r"depois|quando|assim que|em breve|ainda|semanas?|natal|salario|decimo terceiro|13 salario|"
    r"dias? (util|uteis)|(em|no|ate|de) (" + _MONTH_NAMES + r"))\b"
)
# "não quero sair", "não pare", "não precisa parar": the opposite of an opt-out.
_OPTOUT_NEGATED = re.compile(
    r"\b(nao|nem)( (quero|queria|desejo|precisa|precisam|precisa de|e para|e pra|vou|pode|"
    r"podem|deve|devem|e|eh))? (sair|sai|parar|pare|parem|para|stop|cancelar|descadastrar|"
    r"remover|tirar)\b"
    # "não pedi pra sair da lista", "quem disse que eu quero sair?"
    r"|\b(nao|nunca|jamais) (pedi|pedimos|solicitei|solicitamos|falei|mandei|disse)"
    + _ASKED_OUT
    + r"|\bquem (disse|falou|pediu) (que|para|pra) (eu )?(quero |queria )?(sair|parar)\b"
)
# The channels a reply names ("não me liguem", "não quero mais e-mail").
_CHANNELS = {
    "email": r"\be ?mails?\b|\bcorreio eletronico\b",
    "sms": r"\bsms\b|\bmensage\w* de texto\b|\btorpedos?\b",
    "whatsapp": r"\bwhats\w*|\bzap\b|\bwpp\b|\bzapzap\b",
    "call": r"\blig(ar|ue|uem|ou|am|ando|acao|acoes|a)\b|\btelefonema|\bchamadas?\b|\btelefon",
    "letter": r"\bcartas?\b|\bcorreios?\b|\bimpress\w*|\bvisitas?\b|\bcobrador\b",
}
# "prefiro SMS", "só por e-mail": a channel the customer keeps.
_PREFERRED = re.compile(
    r"\b(prefiro|preferimos|preferencia|pode ser|melhor|so|somente|apenas|pode mandar|"
    r"podem mandar|"
    # "o boleto quero por e-mail", "manda pelo zap"; not "não quero por e-mail"
    r"(?<!nao )(?<!nem )(?:quero|queria|manda|mande|mandem|envia|envie|enviem)(?: receber)?"
    r"(?= (?:por|pelo|pela|via)\b))\b( por| pelo| pela| via| no| o| a)? ?(?P<what>[a-z ]{0,30})"
)
# An automatic answer (out of office, holidays, a mailbox's robot): no one
# wrote it to the company, and nothing it says is a promise.
_AUTO_REPLY = re.compile(
    r"^(resposta automatica|auto|automatic reply)\b"
    r"|\b(e|eh) uma (resposta|mensagem) automatica|\bmensagem (gerada )?automaticamente\b"
    r"|\b(resposta automatizada|fora do escritorio|estou de ferias|estarei de ferias|"
    r"em ferias ate|estou ausente|estarei ausente|ausente do escritorio|out of office|"
    r"automatic reply|auto reply|autoreply|nao responda este|nao responda a este|"
    r"esta caixa (de e mail )?nao e monitorada|retornarei (seu|o seu|sua|a sua) "
    r"(contato|e mail|mensagem)|responderei assim que (possivel|retornar)|"
    r"agradecemos (o seu|seu) contato)"
    # Away until a day, with no out-of-office word ("Estarei fora até 04/01",
    # "Estou de licença até 15/01"): the day is their return, not a promise.
    r"|\b(estou|estarei|estamos|estaremos|ficarei) (fora|ausentes?|afastad[oa]s?|de licenca|"
    r"em licenca)( do escritorio| da empresa)? ate\b"
    r"|\bacesso (restrito|limitado) (ao|a) (e mail|email)"
    # "Estou de folga até 14/12", "afastada por licença médica", "em viagem
    # a trabalho, volto na segunda", a business's greeting ("atende de segunda
    # a sexta, retornaremos amanhã")
    r"|\b(estou|estarei) de folga ate\b|\blicenca (medica|maternidade|paternidade)\b"
    r"|\bausencia temporaria\b|\bretornaremos\b"
    r"|\batende(mos)? de segunda a (sexta|sabado)\b|\bhorario de atendimento\b"
    # English ("to" is folded as "estou").
    r"|\b(out of (the )?office|automated (response|reply)|(no|limited) access (to|estou) "
    r"(my )?(e mail|email)|(i am|i m|i will be|i ll be) (away|out|on (vacation|holiday|leave))"
    r"( until| from| and)\b)"
)
# "número errado", "não conheço nenhum João": someone else's phone; a person
# corrects the contact, nothing is done to the customer's debt.
_WRONG_PERSON = re.compile(
    r"\b(numero errado|telefone errado|contato errado|engano de numero|"
    r"nao sou (o|a) [a-z]+|aqui nao (e|eh|tem|mora) (o|a|nenhum|nenhuma)\b|"
    r"nao conheco (nenhum|nenhuma|esse|essa|este|esta|o|a) (?!(divida|cobranca|conta|fatura|"
    r"compra|valor|debito|boleto|servico|pedido|nota|empresa|loja|firma|produto|mercadoria|"
    r"isso)\b)[a-z]+|(esse|este) numero (nao e|nao eh|nao pertence)|nao (e|eh) mais o numero d|"
    r"(mudou|mudei|trocou|troquei|mudaram|trocaram) de numero|"
    # "vc tá mandando pra pessoa errada"; not "cobrando a pessoa errada", a dispute
    r"(mandando|mandou|mandaram|enviando|enviou|enviaram|escrevendo|mensagem|mensagens) "
    r"para (a )?pessoa errada)"
    # "esse telefone agora é meu", "esse número era de outra pessoa", "o dono
    # anterior desse número": a number that changed hands
    r"|\b(esse|este|o) (numero|telefone|celular|chip|whats\w*) (agora (e|eh) meu|(e|eh) meu agora|"
    r"era d[eoa] outr[oa]|pertencia a outr[oa])\b"
    r"|\b((antig[oa]|anterior) (dono|dona|titular|usuari[oa])|(dono|dona|titular|usuari[oa]) "
    r"anterior) (d[eo]ss?e|d[eo]st?e|do) (numero|telefone|celular|chip|whats\w*)\b"
    r"|\b(esse|este|o) (numero|telefone|celular|chip)\b.{0,40}\b(antig[oa]|anterior) (dono|dona|"
    r"titular|usuari[oa])\b"
    # "engano, parem de mandar pra esse número"; not "houve um engano, já paguei"
    r"|^(acho que )?(e |eh |foi |deve ser )?engano\b|\bengano\b.{0,40}\bnumero\b"
)
# What a short reply naming a day may say it will do that is not paying:
# "amanhã te ligo", "me liga segunda", "segunda te retorno", "sexta eu vejo".
_NOT_PAYING = re.compile(
    r"\b(lig(o|a|ue|uem|ar|amos)|retorn\w*|respond\w*|cham(o|a|e|em|ar|amos)|"
    r"ve(r|jo|ja|jam|mos|remos)|verific\w*|olh(o|a|ar|amos)|convers\w*|fal(o|a|e|ar|amos)|"
    r"pass(o|a|ar|amos)|volt(o|a|ar|amos)|avis(o|a|e|ar|amos)|confirm(o|a|ar|amos)|"
    r"explic(o|a|ar)|contat\w*|entr(o|a|ar|amos) em contato|respost\w*|aviso)\b"
)
# Not having the money, or a "no", in the clause of a day: "tô sem grana
# agora", "hoje não tenho", "agora tá difícil" say the day they cannot pay
# ("sem falta" promises; "tô sem dinheiro hj mas depois de amanhã consigo"
# promises in its other clause).
_HARDSHIP = re.compile(
    r"\b(nao|nem|sem (?!falta\b)\w+|lis[oa]|dur[oa]|apertad\w*|dificil|complicad\w*|"
    r"quebrad\w*|desempregad\w*|zerad\w*|falid\w*|endividad\w*|enrolad\w*)\b"
)
# The reminder's sentence for those who paid, pasted back in a reply.
_PASTED_REMINDER = re.compile(
    r"\bse (voce )?j[aá] (pagou|efetuou o pagamento|realizou o pagamento|quitou|fez o pagamento)"
    r"[,.]?\s*(por favor,?\s*)?(desconsidere|desconsiderar|ignore)"
    r"( (esta|essa|este|esse) (mensagem|cobran[çc]a|aviso|lembrete|e-?mail|sms))?",
    re.IGNORECASE,
)
# Sarcasm: "só que não", "no dia de são nunca", "com o dinheiro que eu não
# tenho"; an eye roll beside a "yes" ("aham, paguei sim, com certeza 🙄"; not
# "paguei ontem e vcs ainda mandando msg 🙄", which is a payment).
_SARCASM = re.compile(
    r"\b(so que nao|sqn|(dia de )?sao nunca|ate parece|vai sonhando|conta outra|"
    r"dinheiro que (eu )?nao tenho)\b"
)
_EYE_ROLL = re.compile("[\U0001f644\U0001f612\U0001f643]")
_YES = re.compile(r"\b(sim|aham|ahan|uhum|claro|com certeza|certamente)\b")


def _sarcastic(text, folded):
    return bool(_SARCASM.search(folded) or (_EYE_ROLL.search(text) and _YES.search(folded)))


# The customer died: "ele faleceu", "o titular veio a óbito" (not "meu
# celular morreu").
_DEATH = re.compile(
    r"\b(faleceu|faleceram|falecid[oa]s?|falecimento|obito)\b"
    r"|(?<!celular )(?<!aparelho )(?<!telefone )(?<!bateria )(?<!notebook )(?<!computador )"
    r"(?<!carro )(?<!moto )(?<!produto )(?<!motor )(?<!maquina )(?<!tv )"
    # a pet's death is no customer's
    r"(?<!cachorro )(?<!cachorrinho )(?<!cachorra )(?<!gato )(?<!gatinho )(?<!gata )"
    r"(?<!cao )(?<!cadela )(?<!pet )(?<!passarinho )(?<!papagaio )(?<!peixe )\bmorreu\b"
)
# A lawsuit or a consumer complaint announced: "vou processar vocês", "meu
# advogado vai entrar em contato", "procon", "reclame aqui", "consumidor.gov",
# "já está no jurídico", "danos morais". Under the CDC a person answers such a
# customer before the régua writes again. Not "o pagamento está em
# processamento", "vou processar o pagamento", "pessoa jurídica".
_PROCESSED = (
    r"(?! (o |a |os |as |esse |este |essa |esta |seu |sua |meu |minha )?(pagamento|pix|boleto|"
    r"pedido|transferencia|deposito|ted|doc|nota|fatura|cadastro|estorno|reembolso|"
    r"cancelamento|compra|solicitacao|devolucao|troca|dados|cobranca|arquivo|lote|retorno)\b)"
)
_LEGAL = re.compile(
    r"\b(vou|vamos|irei|iremos|vai|vao|ira|irao|quero|queremos|posso|podemos|pretendo|"
    r"pretendemos|devo|devemos|tenho que|temos que|vou ter que|so me resta) "
    r"(te |lhe |lhes |los |las |voces |a empresa |essa empresa |a loja )?processar\b"
    + _PROCESSED
    + r"|\b(processarei|processaremos)\b"
    + _PROCESSED
    + r"|\b(voces|a empresa|essa empresa|esta empresa|a loja) (serao|sera|vao ser|vai ser|"
    r"podem ser|pode ser) processad[oa]s?\b"
    r"|\b(entrar|entrarei|entro|entramos|entraremos|abrir|abrirei|abro|mover|moverei|movo|"
    r"ajuizar|ajuizarei)( com| na| contra)?( um| uma)? (processo|acao)\b(?! de (?!danos))"
    r"|\b(processo|acao) (judicial|judiciais|contra|na justica|trabalhista|civel)\b"
    r"|\b(extra)?judicia\w*"
    r"|\b(na|a|pela|pra|para|para a|com a|via) justica\b"
    r"|(?<!pessoa )(?<!pessoas )\bjuridic(o|a|os|as|amente)\b"
    r"|\bprocon\b|\breclame ?aqui\b|\bconsumidor gov\b|\bdefesa do consumidor\b"
    r"|\bdanos? mora(l|is)\b|\bindeniza\w*|\bjuizado\b|\bpequenas causas\b|\btribunal\b"
    r"|\bdenunci\w*"
)
# "meu advogado vai entrar em contato", "falem com o advogado"; not "meu
# advogado pagou ontem" (a payment), nor a signature's "Furtado Advogados" or
# "advogado, OAB/SP 123", nor "sou advogada".
_LAWYER = re.compile(
    r"\b(meu|minha|meus|nosso|nossa|nossos|o|os|a|um|uma|com|ao|aos|pelo|pelos|do|dos) "
    r"advogad[oa]s?\b"
)
# "não quero processar ninguém", "não vou entrar na justiça"; but "se não
# resolverem vou processar" threatens.
_LEGAL_NEGATED = re.compile(r"\b(nao|nem|nunca|jamais|sem)\b")
_CONDITION = re.compile(r"\b(se|caso|enquanto|senao)\b")


def _legal(clauses):
    """The phrase of a clause that announces a lawsuit or a consumer complaint,
    not denied in its own clause, or None."""
    for clause in clauses:
        found = [*_LEGAL.finditer(clause)]
        if not _match(_PAID, clause) and not re.search(r"\boab\b", clause):
            found += _LAWYER.finditer(clause)
        for legal in found:
            before = clause[: legal.start()]
            if _LEGAL_NEGATED.search(before) and not _CONDITION.search(before):
                continue
            return legal.group(0)
    return None


# What says only thanks or that the message was read, with a greeting and a
# signature: "ok, obrigado", "recebido, obrigada. Att, Maria".
_ACK_WORD = (
    r"(ok|okay|okey|oki|okk|certo|certinho|entendido|entendi|ciente|recebido|recebida|recebi|"
    r"obrigad[oa]s?|obrigadao|obrigadinh[oa]|agradeco|agradecemos|agradecid[oa]s?|grat[oa]s?|"
    r"gratidao|valeu|beleza|perfeito|otimo|show|joia|esta bom|tudo bem|tudo certo)"
)
_GREETING = r"(bom dia|boa tarde|boa noite|ola|oi|prezad[oa]s?|senhores)"
_ACKNOWLEDGEMENT = re.compile(
    rf"({_GREETING} )*{_ACK_WORD}( (e |muito )?{_ACK_WORD})*"
    r"( (pela|pelo|por|pelas|pelos) (a |o )?(informac\w*|aviso|lembrete|mensage\w*|retorno|contato|"
    r"atencao|avisar|lembrar|envio))?"
    rf"( {_GREETING})*"
    r"( (abracos|abraco|abs|att|atenciosamente|cordialmente|saudacoes|sds)( [a-z]+){0,4})?"
)
# Emojis that thank or approve ("👍", "🙏", "👌", skin tones and joiners).
_ACK_EMOJI = (
    "\U0001f44d\U0001f44c\U0001f64f\U0001f60a\U0001f642\u263a\u2705\U0001f91d\u2764"
    "\U0001f600\U0001f601\U0001f603\U0001f604\U0001f609\U0001f44f\U0001f64c\U0001f970"
    "\U0001f618\U0001f3fb-\U0001f3ff\ufe0f\u200d"
)


def _acknowledgement(text, folded):
    """Whether a reply says nothing but thanks or that it was read: its words
    (if any) only those, its emojis (if any) only approving ones ("ok 😡" is
    not), and something said."""
    rest = re.sub(f"[{_ACK_EMOJI}]", "", text)
    if any(unicodedata.category(char) in ("So", "Sk", "Cs", "Co") for char in rest):
        return False
    if not folded:
        return rest != text  # an approving emoji alone
    return bool(_ACKNOWLEDGEMENT.fullmatch(folded))


# A day the customer does not fix: "depois do dia 20", "entre o dia 10 e 15",
# "dia 10 ou 11", "em 7 dias úteis": a person agrees on it.
_VAGUE_DAY = re.compile(
    r"\b(depois|apos|a partir)( d[oa]| o| a)? (dia )?\d|\bentre (o )?(dia )?\d{1,2}(/\d{1,2})? "
    r"e (o )?(dia )?\d|\b(dia )?\d{1,2}(/\d{1,2})? ou (no |o |em )?(dia )?\d"
    r"|\b\d+ dias? (util|uteis)\b|\bantes d[oa] (dia |natal|\d)"
    r"|\b(hoje|amanha) ou (depois|amanha)\b"
    # "segunda ou terça"
    r"|\b(segunda|terca|quarta|quinta|sexta|sabado|domingo) ou (na |no |a |o )?"
    r"(segunda|terca|quarta|quinta|sexta|sabado|domingo)\b"
)


def _slashed(found):
    day, month, year = found.group(1), found.group(2), found.group(3)
    if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
        return found.group(0)  # an amount ("10.50"), not a day
    return f"{day}/{month}" + (f"/{year}" if year else "")


def fold(text):
    """Lower case, no accents, no emojis or punctuation (slashes and digits kept),
    abbreviations and common typos spelled out."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"(\d)\s*[ºª°o]\b", r"\1", plain)  # "10º" -> "10"
    plain = re.sub(  # "18.12", "18-12-2026" -> "18/12", "18/12/2026"
        r"\b(\d{1,2})[.-](\d{1,2})(?:[.-](\d{4}|\d{2}))?\b(?![.,-]?\d)", _slashed, plain
    )
    plain = re.sub(  # "10 de janeiro (de 2027)" -> "10/1(/2027)"
        r"\b(\d{1,2}) de (" + _MONTH_NAMES + r")\b(?: de (\d{4}))?",
        lambda m: f"{m.group(1)}/{MONTHS[m.group(2)]}" + (f"/{m.group(3)}" if m.group(3) else ""),
        plain,
    )
    plain = re.sub(r"[^a-z0-9/\s]", " ", plain)
    # Spanish: "pasado mañana" is the day after tomorrow, "por la mañana" the
    # morning (not tomorrow), "el lunes pasado" a Monday gone by.
    plain = re.sub(r"\bpasado manana\b", "depois de amanha", plain)
    plain = re.sub(r"\b(por|en|de|esta|a) la manana\b", "de manha", plain)
    plain = re.sub(
        r"\b(lunes|martes|miercoles|jueves|viernes|sabado|domingo) pasado\b", r"\1 passado", plain
    )
    words = []
    for word in plain.split():
        word = re.sub(r"(.)\1{2,}", r"\1", word)  # "simmm" -> "sim"
        words.append(WORDS.get(word, word))
    text = " ".join(words)
    # Spanish "pagué" ("ya pagué", "pagué ayer"), not Portuguese "pague", the
    # subjunctive ("quer que eu pague", "assim que me pague"): no payment made.
    text = re.sub(r"\b(ya|yo|ja)( lo| la| ya)? pague\b", r"\1\2 paguei", text)
    text = re.sub(r"\bpague (?=(ontem|anteontem|el|la|hoje de manha)\b)", "paguei ", text)
    text = re.sub(r"\bfeira\b", "", text)  # "sexta feira" -> "sexta"
    text = re.sub(r"\bsegunda via\b", "outra via", text)  # a copy of the bill, not Monday
    # "a 2 via", "2ª via", "2° via": the same copy; not "dia 2 via pix" (a day,
    # then the means), "2/12 via TED", "2 vias do contrato"
    text = re.sub(
        r"(?<!\bdia )(?<!/)\b2a? via\b(?! (pix|ted|doc|transferencia|deposito|cartao|credito|"
        r"debito|app|aplicativo|banco|internet|site|portal|whatsapp|email|e mail|sms|correio))",
        "outra via",
        text,
    )
    text = re.sub(  # "a segunda vez", "a segunda parcela": second, not Monday
        r"\bsegunda (vez|parcela|fatura|cobranca|mensagem|conta|opcao|chamada|tentativa"
        r"|quinzena)\b",
        r"outra \1",
        text,
    )
    text = re.sub(r"\bantes de ontem\b", "anteontem", text)
    text = re.sub(r"\b(deste|desse|do) mes( corrente| atual)?\b", "do mes", text)
    text = re.sub(
        r"\b(vinte|trinta) e (um|dois|tres|quatro|cinco|seis|sete|oito|nove)\b",
        lambda m: str(NUMBER_WORDS[m.group(1)] + NUMBER_WORDS[m.group(2)]),
        text,
    )
    text = re.sub(r"\bja ja\b", "logo", text)
    # "em fevereiro dia 3", "no mês de janeiro, no dia 20": that month's day,
    # "dia 3/2" (not the invoice a month names: "a de maio, dia 20")
    text = re.sub(
        r"\b(em|para|ate|mes de) (" + _FULL_MONTH_NAMES + r") (no |o )?dia (\d{1,2})\b(?!/)",
        lambda m: f"{m.group(1)} dia {m.group(4)}/{MONTHS[m.group(2)]}",
        text,
    )
    text = re.sub(r"\s+", " ", text).strip()
    return text


@dataclass
class Reading:
    intent: str
    day: date | None = None  # the promised day, or the day they say they paid
    confidence: float = 1.0
    why: str = ""  # the phrase that decided, for the chatter and for debugging
    # The reply asks for no more messages, whatever else it says ("já paguei,
    # parem de mandar mensagem"), on ``channels`` when it names some.
    stop: bool = False
    channels: frozenset = frozenset()
    # What a person must know before the régua writes again, whatever else the
    # reply says: DEATH ("ele faleceu"), WRONG_NUMBER ("número errado") or
    # LEGAL ("vou processar vocês", "procon").
    concern: str | None = None
    # The reply says nothing but thanks or that it was read ("ok, obrigado",
    # "recebido", "👍"): nothing to do, nothing to answer.
    acknowledgement: bool = False

    @property
    def sure(self):
        return self.confidence >= SURE

    def opts_out_of(self, channel):
        """The reply asks for no more messages on ``channel`` (sms, whatsapp,
        email, call, letter): it says so, not negated ("não pare"), and names
        that channel or none ("não me liguem, prefiro SMS" keeps SMS). Honoured
        at once, even beside another intent."""
        return self.stop and (not self.channels or channel in self.channels)


def _match(patterns, text):
    for pattern in patterns:
        found = re.search(pattern, text)
        if found:
            return found.group(0)
    return None


# -- dates ------------------------------------------------------------------------------
def _month_day(year, month, day):
    last = monthrange(year, month)[1]
    return date(year, month, min(day, last)) if 1 <= day <= 31 else None


def _next_month(day):
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _forward_date(text, today):
    """The day a promise names, or None."""
    if re.search(r"\bdepois de amanha\b", text):
        return today + timedelta(days=2)
    counted = _counted_days_ahead(text, today)
    if counted:
        return counted
    explicit = _explicit_date(text, today, forward=True)
    if explicit:
        return explicit
    # "mês que vem dia 10", "próximo mês, no dia 5": that day of next month.
    found = re.search(
        r"\b(mes que vem|proximo mes)( (no|em|o|pelo|la pelo))?( dia)? (\d{1,2}|[a-z]+)\b", text
    )
    number = _number(found.group(5)) if found else None
    if number and 1 <= number <= 31:
        month = _next_month(today)
        return _month_day(month.year, month.month, number)
    named = _weekday_and_number(text, today)
    if named:
        return named[0]  # "pago quinta-feira 24": the 24th
    # Not "dia 31/02": a day the calendar lacks names none (``_impossible_day``).
    for found in re.finditer(
        r"\bdia (\d{1,2}|[a-z]+)\b(?!/)( do mes que vem| do proximo mes)?", text
    ):
        number = _number(found.group(1))
        if number and 1 <= number <= 31:
            if found.group(2):
                month = _next_month(today)
                return _month_day(month.year, month.month, number)
            return _next_nth(number, today)
    if re.search(r"\b(ate o|no) natal\b", text):
        christmas = date(today.year, 12, 25)
        return christmas if christmas >= today else date(today.year + 1, 12, 25)
    if re.search(r"\b(inicio|comeco|primeiros dias) do (mes que vem|proximo mes)\b", text):
        month = _next_month(today)
        return month.replace(day=5)
    if re.search(r"\b(fim|final) do mes\b", text) and not re.search(
        r"\b(fim|final) do mes que vem\b", text
    ):
        return today.replace(day=monthrange(today.year, today.month)[1])
    weekday = _weekday_ahead(text, today)
    if weekday is not None:
        return weekday
    if re.search(r"\b(semana que vem|proxima semana)\b", text):
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return monday + timedelta(days=4)
    if re.search(r"\bamanha\b", text) and not re.search(r"\bamanha de manha\b.*\bhoje\b", text):
        return today + timedelta(days=1)
    if re.search(r"\b(hoje|agora)\b", text):
        return today
    return None


def _next_nth(number, today):
    """The next day numbered ``number`` (1-31), today included ("dia 30" in
    February: March's)."""
    month = today.replace(day=1) if number >= today.day else _next_month(today)
    while number > monthrange(month.year, month.month)[1]:
        month = _next_month(month)
    return date(month.year, month.month, number)


# "quinta-feira 24", "terça, 15", "sábado dia 19": a weekday and its day's number
# (not "sexta 10 horas", "segunda 2 parcelas").
_WEEKDAY_NUMBER = re.compile(
    r"\b(segunda|terca|quarta|quinta|sexta|sabado|domingo) (dia )?(\d{1,2})\b(?!/)"
    r"(?! ?(h|hs|hrs|horas|hora|min|reais|real|mil|x|vezes|parcelas?|dias?|semanas?|meses|%))"
)


def _weekday_and_number(text, today):
    """(the day, whether the weekday named is that day's) of a weekday
    followed by a day's number ahead ("pago quinta-feira 24"), or None. The
    number fixes the day; a weekday that is not its own ("sexta dia 12", the
    12th a Saturday) leaves a person to check it."""
    found = _WEEKDAY_NUMBER.search(text)
    if not found or not 1 <= int(found.group(3)) <= 31:
        return None
    day = _next_nth(int(found.group(3)), today)
    return day, day.weekday() == WEEKDAYS[found.group(1)]


def _counted_days_ahead(text, today):
    """ "daqui a 3 dias", "em duas semanas": the day that many days ahead."""
    found = re.search(r"\b(daqui a|daqui|em|dentro de) (\d+|[a-z]+) dias?\b(?! (util|uteis))", text)
    if found:
        count = _number(found.group(2))
        if count and count < 60:
            return today + timedelta(days=count)
    found = re.search(r"\b(daqui a|daqui|em|dentro de) (\d+|[a-z]+) semanas?\b", text)
    if found:
        count = _number(found.group(2))
        if count and count < 9:
            return today + timedelta(days=7 * count)
    return None


def _weekday_ahead(text, today):
    """The day ahead a weekday names ("sexta", "sexta que vem"), or None."""
    weekday = _weekday(text)
    if weekday is None:
        return None
    name, number = weekday
    if re.search(rf"\b{name} (passad[oa]|retrasad[oa])\b|\b(passad[oa]|ultim[oa]) {name}\b", text):
        return None  # "sexta passada": a day gone by
    if re.search(rf"\b({name} que vem|proxima {name}|{name} da semana que vem)\b", text):
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return monday + timedelta(days=number)
    ahead = (number - today.weekday()) % 7 or 7
    return today + timedelta(days=ahead)


def _backward_date(text, today):
    """The day a payment already made names, or None."""
    if re.search(r"\banteontem\b", text):
        return today - timedelta(days=2)
    if re.search(r"\bontem\b", text):
        return today - timedelta(days=1)
    if re.search(
        r"\b(hoje|acabei de|agora|agorinha|nesta data|nessa data|neste momento|hoje cedo)\b"
        r"|^pronto\b",
        text,
    ):
        return today
    found = re.search(r"\b(ha|faz) (\d+|[a-z]+) dias?\b", text)
    if found:
        count = _number(found.group(2))
        if count and count < 60:
            return today - timedelta(days=count)
    explicit = _explicit_date(text, today, forward=False)
    if explicit:
        return explicit
    for found in re.finditer(r"\bdia (\d{1,2}|[a-z]+)\b(?!/)", text):
        number = _number(found.group(1))
        if number and 1 <= number <= 31:
            if number <= today.day:
                return _month_day(today.year, today.month, number)
            previous = today.replace(day=1) - timedelta(days=1)
            return _month_day(previous.year, previous.month, number)
    weekday = _weekday(text)
    if weekday is not None:
        _name, number = weekday
        back = (today.weekday() - number) % 7 or 7
        return today - timedelta(days=back)
    return None


def _explicit_date(text, today, forward):
    """The first day written as 18/12 or 18/12/2026 (ahead, for a promise: "o
    boleto vencido em 30/11 será pago em 11/12" promises the 11th)."""
    days = [
        _written_day(found, today, forward)
        for found in re.finditer(_WRITTEN_DAY, text)
        # Not the due date the reply recalls ("a fatura com vencimento em
        # 28/12 foi paga no dia 30/12", "o boleto vencido em 30/11").
        if not re.search(r"\bvenc\w*( \w+){0,2} $", text[: found.start()])
    ]
    days = [day for day in days if day is not None]
    if forward:
        return next((day for day in days if day >= today), days[0] if days else None)
    return days[0] if days else None


_WRITTEN_DAY = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")


def _written_day(found, today, forward):
    day, month = int(found.group(1)), int(found.group(2))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if found.group(3):
        year = int(found.group(3))
        year = year + 2000 if year < 100 else year
        return _calendar_day(year, month, day)
    candidate = _calendar_day(today.year, month, day)
    if forward and (candidate is None or candidate < today - timedelta(days=60)):
        candidate = _calendar_day(today.year + 1, month, day)
    if not forward and (candidate is None or candidate > today):
        candidate = _calendar_day(today.year - 1, month, day)
    return candidate


def _impossible_day(text, today):
    """A day written that no calendar has, this year nor the next ("31/02",
    "30 de fevereiro", "31/11", "dia 15/13"): what the customer meant is for
    a person; so is a day no month has ("dia 40", "32/12")."""
    for found in re.finditer(r"\bdia (\d+)\b(?!/)", text):
        if not 1 <= int(found.group(1)) <= 31:
            return found.group(0)
    for found in _WRITTEN_DAY.finditer(text):
        day, month = int(found.group(1)), int(found.group(2))
        if not 1 <= day <= 31:
            if 1 <= month <= 12:
                return found.group(0)
            continue
        if not 1 <= month <= 12:
            if text[: found.start()].endswith("dia "):
                return found.group(0)
            continue
        if found.group(3):
            year = int(found.group(3))
            years = (year + 2000 if year < 100 else year,)
        else:
            years = (today.year, today.year + 1)
        if all(_calendar_day(year, month, day) is None for year in years):
            return found.group(0)
    return None


def _calendar_day(year, month, day):
    """The date written, or None when the calendar has no such day ("31/11")."""
    return date(year, month, day) if day <= monthrange(year, month)[1] else None


def _weekday(text):
    found = re.search(r"\b(segunda|terca|quarta|quinta|sexta|sabado|domingo)\b", text)
    if not found:
        return None
    return found.group(1), WEEKDAYS[found.group(1)]


def _number(word):
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def _asked_tails(text):
    """The last clause of each question of a reply, folded ("paguei ontem,
    vocês receberam?": "voces receberam")."""
    tails = (fold(re.split(r"[,;]", s)[-1]) for s in re.findall(r"[^.!?\n]*\?", text or ""))
    return [tail for tail in tails if tail]


def _questions(text):
    """The folded questions of a reply, tags ("pode ser?", "ok?") left out."""
    asked = []
    for sentence in re.findall(r"[^.!?\n]*\?", text or ""):
        folded = fold(sentence)
        if folded and not _TAG_QUESTION.fullmatch(folded):
            # "pago dia 10, pode ser?": the tag alone is asked
            tail = fold(re.split(r"[,;]", sentence)[-1])
            if tail and _TAG_QUESTION.fullmatch(tail) and "," in sentence:
                continue
            # "pago dia 10 pode ser?", no comma: a promise stated, its tag
            # asked ("posso pagar dia 10 pode ser?" still asks leave)
            tagged = re.fullmatch(rf"(.+?) (?:{_TAG_QUESTION.pattern})", folded)
            if (
                tagged
                and _match(_PROMISE, tagged.group(1))
                and not _PERMISSION.search(tagged.group(1))
            ):
                continue
            asked.append(folded)
    return asked


def _intents(folded, clauses, forward, today, asked=(), asked_tails=()):
    """{intent: the phrase that shows it} of a folded reply, its conflicts
    settled (``clauses``: its parts between punctuation; ``forward``: the day
    ahead it names, if any; ``asked``: its questions, ``asked_tails``: the
    last clause of each)."""
    found = {
        OPTOUT: _match(_OPTOUT, folded) or _stop_in_a_clause(clauses, asked_tails),
        DISPUTE: _match(_DISPUTE, folded),
        PAID: _match(_PAID, folded),
        WHO: _match(_WHO, folded),
        NEGOTIATE: _match(_NEGOTIATE, folded),
        PROMISE: _match(_PROMISE, folded),
        PAYLINK: _asks_the_way_to_pay(folded),
    }
    found = {intent: why for intent, why in found.items() if why}
    _drop_denied(found, folded, asked_tails, clauses)
    negation = _NEGATION.search(folded)
    if PROMISE in found:
        # "não vou conseguir pagar sexta": no promise, a person answers; but in
        # "depois de amanhã eu pago, hoje não dá" one clause promises.
        promising = [c for c in clauses if _match(_PROMISE, c) and not _NEGATION.search(c)]
        if not promising and negation:
            found.pop(PROMISE)
    only = _ONLY_DAY.search(folded)
    if negation and only and only.start() > negation.start() and PAID not in found:
        # "não vou conseguir pagar amanhã não, só sexta": that day is promised.
        found[PROMISE] = folded[only.start() :]
    if found.get(NEGOTIATE) == "acordo" and re.search(
        # "estou de acordo": agreeing, no deal asked for
        r"\b(estou|estamos|to|esta|estava|fico|ficamos|nao) de acordo\b|"
        r"\b(fiz|feito|fizemos|fechei|fechamos|tenho|tinha|temos|tinhamos|no|ao|do|o)"
        r"( um)? acordo\b",
        folded,
    ):
        found.pop(NEGOTIATE)  # "já tinha feito acordo": one made, not one asked for
    if NEGOTIATE in found and re.search(
        r"\b(nao|nem) (quero|preciso|vou|pretendo|desejo|gostaria de)( \w+)? (parcel|negoci|"
        r"acordo|dividir)",
        folded,
    ):
        found.pop(NEGOTIATE)  # "não quero parcelar, vou pagar tudo dia 10"
    leave = next(
        (
            match
            for q in asked
            if (match := _PERMISSION.search(q))
            and (_forward_date(q, today) or _VAGUE_DAY.search(q) or _LATER.search(q))
        ),
        None,
    )
    promised_apart = any(  # "dá pra esperar até dia 12? dia 12 eu pago certinho"
        _match(_PROMISE, c) and not _NEGATION.search(c) and _forward_date(c, today)
        for c in clauses
        if not any(c in q or q in c for q in asked)
    )
    if leave and PAID not in found and DISPUTE not in found and not promised_apart:
        # "posso pagar dia 10?", "seria possível pagar no dia 20?": leave asked.
        found.pop(PROMISE, None)
        found[NEGOTIATE] = leave.group(0)
    if (
        not found
        and forward
        and forward >= today
        and not negation
        # the day in a clause that does not say the money is lacking
        and any(_forward_date(c, today) and not _HARDSHIP.search(c) for c in clauses)
        and not any(_forward_date(q, today) for q in asked)
    ):
        # A day ahead and a word of paying: "semana que vem eu vejo isso e pago".
        if re.search(
            r"\b(pag\w*|pix|quit\w*|acert\w*|deposit\w*|transfer\w*|boleto|consigo)\b", folded
        ) or ((len(folded.split()) <= 4 or _day_alone(folded)) and not _NOT_PAYING.search(folded)):
            # or the reply is the day alone: "segunda q vem"; not a day to
            # call, answer or look ("amanhã te ligo", "sexta eu vejo").
            found[PROMISE] = "day ahead"
    if PAID in found and PROMISE not in found and not _strong_paid(folded, clauses):
        if not forward and _FUTURE.search(folded):
            # "pago mês que vem": a payment to come, on no day said.
            found.pop(PAID)
            found[PROMISE] = "to come"
    if PAID in found and PROMISE not in found and forward and not _strong_paid(folded, clauses):
        # "pago 18/12" written on the 10th: a day that has not come yet.
        backward = _backward_date(folded, today)
        if backward is None or not today - timedelta(days=60) <= backward <= today:
            found[PROMISE] = "day ahead"
            found.pop(PAID)
    if PAID in found and PROMISE in found:
        _settle_paid_or_promise(found, folded, clauses, forward)
    if WHO in found and DISPUTE in found:
        # "quem é que está me cobrando?": a question first; a person answers it.
        found.pop(DISPUTE)
    if PROMISE in found and forward and forward > today:
        # "pago dia 15, qual a chave pix?": the promise and its day are kept
        # (paying now, "manda o pix que eu pago agora", asks for the link).
        found.pop(PAYLINK, None)
    return found


# The words a day is said in: "(até o) dia 5 do mês que vem", "na sexta da
# semana que vem", "15 de janeiro".
_DAY_WORDS = (
    frozenset(
        (
            "ate o no na a para em dia do da de mes que vem proximo proxima semana inicio "
            "comeco fim final amanha depois hoje"
        ).split()
    )
    | frozenset(WEEKDAYS)
    | frozenset(MONTHS)
    | frozenset(NUMBER_WORDS)
)


def _day_alone(folded):
    """Whether a reply is nothing but a day, however many words it takes
    ("dia 5 do mês que vem", "até o dia 10 do próximo mês")."""
    return all(
        word in _DAY_WORDS or re.fullmatch(r"\d{1,2}(/\d{1,2}(/\d{2,4})?)?", word)
        for word in folded.split()
    )


def _stop_in_a_clause(clauses, asked_tails=()):
    """A stop word in a clause of its own ("pago dia 10. Sair"), not asked
    ("Pode parar? Não, brincadeira, pode continuar")."""
    return next(
        (
            clause
            for clause in clauses
            if _match(_STOP_ALONE, clause) and not any(clause in tail for tail in asked_tails)
        ),
        None,
    )


def _asks_the_way_to_pay(folded):
    """The phrase asking for the way to pay, unless the means asked about
    does not work or nothing is asked ("não precisa mandar o boleto")."""
    if _PAYLINK_TROUBLE.search(folded) or _PAYLINK_NEGATED.search(folded):
        return None
    return _match(_PAYLINK, folded)


# A promise beside a payment claimed or an invoice disputed, each in a clause
# of its own: one reading would act on one of them only.
ACTED_ON = (PROMISE, PAID, DISPUTE)
_CONFLICTS = {PROMISE: {PAID, DISPUTE}, PAID: {PROMISE}, DISPUTE: {PROMISE}}


def _another_in_a_clause(clauses, today, intent, asked_tails=()):
    """Whether a clause of the reply, read alone, says in its own words (not
    a day alone: "paguei sim, no dia 27"; not a question: "como vou pagar
    algo que não recebi?") what conflicts with ``intent``."""
    if len(clauses) < 2:
        return False
    for clause in clauses:
        if any(clause in tail or tail in clause for tail in asked_tails):
            continue
        alone = _intents(clause, [clause], _forward_date(clause, today), today)
        said = {found for found, why in alone.items() if why not in ("day ahead", "to come")}
        if said & _CONFLICTS[intent]:
            return True
    return False


def _drop_denied(found, folded, asked_tails, clauses=()):
    """Take out of ``found`` what the reply denies or only asks."""
    if OPTOUT in found and _OPTOUT_NEGATED.search(folded):
        found.pop(OPTOUT)  # "não quero sair", "não pare": a person reads it
    # "não paguei ainda, pago amanhã": not paid, a promise; but "já paguei
    # não tenho comprovante" lacks only the receipt.
    if PAID in found and re.search(
        r"\b(ainda nao|nao|nem) (paguei|foi pago|consegui pagar)|\bpaguei (nao|nada)\b"
        r"(?! (tenho|tinha|achei|acho|encontrei|encontro|localizei|localizo|guardei|salvei)"
        r"( o| a| um| uma)? (comprovante|recibo)\b)",
        folded,
    ):
        found.pop(PAID)
    # "já paguei?", "você sabe se já foi pago?": a question, not a claim;
    # "já caiu aí? paguei hoje de manhã", "paguei mas não caiu ainda?" claim it
    # in a clause that asks nothing.
    asked = [re.split(r"\bmas\b", tail)[-1].strip() for tail in asked_tails]
    claimed = any(
        _match(_PAID, clause) and _STRONG_PAID.search(clause)
        for clause in clauses
        if clause not in asked and not any(clause in tail for tail in asked)
    )
    if PAID in found and not claimed and any(_match(_PAID, q) for q in asked_tails):
        found.pop(PAID)


def _strong_paid(folded, clauses):
    return _STRONG_PAID.search(folded) or any(
        re.fullmatch(r"(sim )?(pago|paga|quitado|quitada|esta pago)", c) for c in clauses
    )


def _settle_paid_or_promise(found, folded, clauses, forward):
    """Both a payment and a promise seem said: the stronger words win; with
    neither, a day ahead makes it a promise ("pago sexta"), none a payment
    ("tá pago"). Both strong: a person reads it (both stay)."""
    strong_paid = _strong_paid(folded, clauses)
    strong_promise = _STRONG_PROMISE.search(folded)
    if strong_paid and not strong_promise:
        found.pop(PROMISE)
    elif strong_promise and not strong_paid:
        found.pop(PAID)
    elif not strong_paid and not strong_promise:
        # "pago sexta", "pago mês que vem": to come; "tá pago": done.
        found.pop(PAID if forward or _FUTURE.search(folded) else PROMISE)


# -- reading ------------------------------------------------------------------------------
# What is read of a reply: its first characters (a long e-mail is a person's,
# and the rules' cost grows with the text).
MAX_READ = 2000


# Messages refused beside a channel named: "ligação nem mensagem", "parem de
# mandar mensagem e de ligar".
_MESSAGES_TOO = re.compile(
    r"\b(nem|e|ou) (de |a |as |receber |me )*"
    r"(mandar |enviar |mandarem |enviarem |mandem |mande |enviem |envie )?mensage\w*"
    r"|\bmensage\w*(?! de texto) (nem|e|ou) "
)


def _optout_channels(folded):
    """The channels an opt-out names, without those the customer keeps ("não
    me liguem, prefiro SMS": calls); empty when it names none."""
    kept = set()
    for preferred in _PREFERRED.finditer(folded):
        what = preferred.group("what")
        kept |= {name for name, words in _CHANNELS.items() if re.match(rf"(\w+ )?({words})", what)}
    named = {name for name, words in _CHANNELS.items() if re.search(words, folded)}
    # "pode mandar no email, whatsapp não": not kept, refused
    refused = {
        name
        for name, words in _CHANNELS.items()
        if re.search(rf"({words})( nao| jamais| nunca)\b", folded)
    }
    stopped = named - (kept - refused)
    if stopped and _MESSAGES_TOO.search(folded):
        # "não quero ligação nem mensagem": the messages too, by whichever
        # channel they come (not "pare de me ligar, mensagem pode mandar")
        stopped |= {"sms", "whatsapp"}
    return frozenset(stopped)


def _confidence(intent, found, text, folded, today, asked_tails):
    """How sure the reading of ``intent`` is (``found``: every intent seen)."""
    confidence = 1.0
    if intent == DISPUTE and PAID in found:
        confidence = 0.6  # "já paguei, cobrança errada": a person sorts it out
    if intent == PAID and (PROMISE in found or NEGOTIATE in found):
        confidence = 0.7
    if intent == OPTOUT and (PROMISE in found or NEGOTIATE in found or PAYLINK in found):
        confidence = 0.7
    if intent == PAYLINK and WHO in found:
        confidence = 0.7  # "é golpe? manda o pix": who is writing first, a person
    if intent == NEGOTIATE and PROMISE in found:
        # "pago metade sexta e o resto dia 20": a deal, for the customer's link.
        confidence = 0.9
    if _HEDGE.search(folded) and intent in (PROMISE, PAID):
        confidence = min(confidence, 0.5)  # "amanhã eu pago... ou não"
    # Its clauses, a date's dot or comma kept ("pago 18.12" is one).
    parts = [fold(part) for part in re.split(r"(?<!\d)[.,]|[.,](?!\d)|[!?;\n]+|\bmas\b", text)]
    parts = [part for part in parts if part]
    weak = intent == PROMISE or (intent == PAID and not _strong_paid(folded, parts))
    if weak and _impossible_day(folded, today):
        # "vou pagar dia 31/02", "pago 30/02": no such day, neither a day
        # promised nor a payment made; a person asks ("paguei 31/11" still
        # says it is paid).
        confidence = min(confidence, 0.5)
    if intent in ACTED_ON and _another_in_a_clause(parts, today, intent, asked_tails):
        # "já paguei a de novembro, a de dezembro pago dia 15", "não reconheço
        # essa cobrança mas se for minha pago semana que vem": two things to
        # do, one reading would do only one of them: a person reads it.
        confidence = min(confidence, 0.5)
    return confidence


def read(text, today):
    """The ``Reading`` of a customer's reply written on ``today`` (a date, in the
    customer's calendar)."""
    text = (text or "")[:MAX_READ]
    # Dictated punctuation ("... sem multa interrogação"): the mark itself.
    text = re.sub(r"\s*\b(ponto de )?interroga[çc][ãa]o\b", "?", text, flags=re.IGNORECASE)
    # The reminder's own words pasted back ("Se já pagou, desconsidere.") say
    # nothing of the customer's.
    text = _PASTED_REMINDER.sub(" ", text)
    # "quarta-feira, 16": one day, not two clauses.
    text = re.sub(
        r"\b(segunda|ter[çc]a|quarta|quinta|sexta|s[áa]bado|domingo)((?:[- ]feira)?),\s*"
        r"(?=(dia )?\d{1,2}\b)",
        r"\1\2 ",
        text,
        flags=re.IGNORECASE,
    )
    folded = fold(text)
    if not folded:
        return Reading(
            OTHER, confidence=1.0, why="empty", acknowledgement=_acknowledgement(text, folded)
        )
    auto = _AUTO_REPLY.search(folded)
    if auto:
        return Reading(OTHER, why=f"automatic reply: {auto.group(0)}")
    clauses = [fold(part) for part in re.split(r"[.!?;,\n]+|\bmas\b", text)]
    clauses = [clause for clause in clauses if clause]
    # A lawsuit or a complaint announced: whatever else the reply says, a
    # person answers it before the régua writes again (a death, someone else's
    # number come first: the customer is not the one writing).
    # Its clauses for it keep a dot inside a word ("consumidor.gov.br").
    legal = _legal(fold(part) for part in re.split(r"[!?;,\n]+|\.(?!\w)|\bmas\b", text))
    asked = _questions(text)
    forward = _forward_date(folded, today)
    asked_tails = _asked_tails(text)
    found = _intents(folded, clauses, forward, today, asked, asked_tails)
    stop, channels = OPTOUT in found, _optout_channels(folded) if OPTOUT in found else frozenset()
    wrong = _WRONG_PERSON.search(folded)
    death = _DEATH.search(folded)
    if wrong and not (death and PAID not in found):
        # Someone else's phone: their "stop" is honoured, nothing else is done
        # (the customer's death told beside it is what a person must know
        # first: "o João faleceu, esse número agora é meu").
        return Reading(
            OTHER,
            why=f"wrong person: {wrong.group(0)}",
            stop=stop,
            channels=channels,
            concern=WRONG_NUMBER,
        )
    if death and PAID not in found:
        # "ela faleceu, parem de mandar": the stop is honoured and a person is
        # told (a payment claimed beside it is still checked by one).
        return Reading(
            OTHER, why=f"death: {death.group(0)}", stop=stop, channels=channels, concern=DEATH
        )
    if not found:
        if legal:
            return Reading(OTHER, why=f"legal: {legal}", concern=LEGAL)
        return Reading(OTHER, why="", acknowledgement=_acknowledgement(text, folded))
    # One intent speaks for the reply: the strongest, in this order. An
    # opt-out beside a promise or a wish to negotiate ("pago dia 18 mas para
    # de me mandar msg") is unsure (``_confidence``): the stop is honoured at
    # once and a person reads the rest.
    # Asking for the way to pay comes before a promise: "manda o pix aí que
    # eu pago agora" needs the link to keep its word.
    order = (DISPUTE, PAID, OPTOUT, NEGOTIATE, PAYLINK, PROMISE, WHO)
    intents = [intent for intent in order if intent in found]
    intent = intents[0]
    confidence = _confidence(intent, found, text, folded, today, asked_tails)
    reading = Reading(
        intent,
        confidence=confidence,
        why=found[intent],
        stop=stop,
        channels=channels,
        concern=LEGAL if legal else None,
    )
    # The day is read in the clause that says it ("paguei sábado, deve cair
    # hoje": Saturday), else in the whole reply.
    clause = next((c for c in clauses if found[intent] in c), folded)
    if intent in (PROMISE, PAID) and _sarcastic(text, folded):
        # "paguei sim 🙄 só que não", "pago sim, no dia de são nunca"
        reading.confidence = min(reading.confidence, 0.5)
    if intent == PROMISE and _NEGATION.search(clause):
        # "não consigo hoje nem amanhã, mas domingo eu pago": the day of the
        # clause that promises, not of the one that denies.
        clause = next(
            (
                c
                for c in clauses
                if _match(_PROMISE, c) and not _NEGATION.search(c) and _forward_date(c, today)
            ),
            clause,
        )
    if found[intent].startswith("so "):
        clause = found[intent]  # the day after "só"
    if intent == PROMISE:
        reading.day = _forward_date(clause, today) or _forward_date(folded, today)
        if reading.day is not None and reading.day < today:
            reading.day = None  # a promise names no past day: a person reads it
        if _VAGUE_DAY.search(folded):
            reading.day = None  # "depois do dia 20", "dia 10 ou 11": not a day fixed
        named = _weekday_and_number(clause, today) or _weekday_and_number(folded, today)
        if reading.day and named and named[0] == reading.day and not named[1]:
            # "pago sexta dia 12", the 12th a Saturday: the 12th, a person checks.
            reading.confidence = min(reading.confidence, 0.6)
    elif intent == PAID:
        # Not a day the reply only asks about ("já paguei, dá pra mudar o
        # vencimento pro dia 15?").
        stated = fold(re.sub(r"[^.!?\n]*\?", " ", text))
        reading.day = _backward_date(clause, today) or _backward_date(stated, today)
        if reading.day and not today - timedelta(days=60) <= reading.day <= today:
            reading.day = None
    return reading


def read_message(text, today, channel):
    """The ``Reading`` of a reply that came by ``channel`` (sms, whatsapp,
    email): an e-mail is read without the reminder it quotes."""
    if channel != "email":  # a WhatsApp/SMS reply quoting the reminder ("> ...")
        lines = (text or "").splitlines()
        text = "\n".join(line for line in lines if not line.lstrip().startswith(">"))
    return read(strip_quoted(text) if channel == "email" else text, today)


def dispute_reason(text):
    """The portal's dispute reason a dispute reply gives (account.move's
    DISPUTE_REASONS): not received, defective, wrong amount, else other."""
    folded = fold(text)
    if re.search(
        r"\b(nao|nunca) (recebi|chegou|foi entregue|entregaram)\b|\b(nunca|jamais|nao|ninguem) "
        r"(apareceu|apareceram|compareceu|compareceram)\b|\b(nunca|ninguem) (veio|vieram)\b",
        folded,
    ):
        return "not_received"
    if re.search(r"\b(defeito|quebrad[oa]|estragad[oa]|danificad[oa]|nao funciona)", folded):
        return "defective"
    if re.search(
        r"\b(valor|preco|cobranca) (esta |ta |veio )?(errad|incorret|a mais|maior)", folded
    ):
        return "wrong_amount"
    return "other"


_QUOTE_START = re.compile(
    r"^\s*[*_]*(em .{0,200} escreveu:?|on .{0,200} wrote:?|-+ ?(mensagem original|original "
    r"message) ?-+|(de|from|enviado|sent)[*_]*:[*_]* .+|enviado do meu .+|sent from my .+)\s*$"
    # a signature ("-- "), Outlook's rule, and the legal notice under a signature
    r"|^\s*(-- ?|_{8,})\s*$"
    r"|^\s*[*_]*(aviso( legal| de confidencialidade)?|confidencial(idade)?|disclaimer)[*_]*\s*:"
    r"|^\s*(esta mensagem|este e-?mail|o conte[uú]do (d[ea]st[ea]|d[ea]ss[ea]) (e-?mail|mensagem)|"
    r"esta comunica[çc][ãa]o|as informa[çc][õo]es (contidas|deste|desta))\b.{0,120}"
    r"\b(confidencia|destinat[aá]rio|sigil)",
    re.IGNORECASE,
)


_WRAPPED_QUOTE_START = re.compile(r"^\s*[*_]*(em|on) \S.{0,200}$", re.IGNORECASE)
_QUOTE_END = re.compile(r"^.{0,200}\b(escreveu|wrote):?\s*$", re.IGNORECASE)


def strip_quoted(text):
    """An e-mail reply without what it quotes: lines starting with ">" and
    everything from "Em ..., ... escreveu:" (or its English twin, Outlook's
    "De:" header, bold or not) on, and from the signature's "-- " or a legal
    notice on."""
    kept = []
    lines = (text or "").splitlines()
    for index, line in enumerate(lines):
        if _QUOTE_START.match(line):
            break
        # Gmail's header wrapped over two lines: "Em seg., 7 de dez. de 2026
        # às 10:00 Cobrança <" then "cobranca@x.example> escreveu:".
        after = lines[index + 1] if index + 1 < len(lines) else ""
        if _WRAPPED_QUOTE_START.match(line) and _QUOTE_END.match(after):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


# What a delivery-status notification (RFC 3464) says of a recipient when
# nothing failed: the server still tries (a full mailbox, 4.2.2), or it
# delivered, relayed or expanded the message.
NO_FAILURE_ACTIONS = frozenset({"delayed", "delivered", "relayed", "expanded"})


def report_without_failure(message):
    """Whether an e-mail (email.message.Message) is a report that no message
    failed, which Odoo's gateway takes for a bounce (any multipart/report): a
    read receipt (RFC 8098, ``report-type=disposition-notification``), or a
    delivery-status notification whose every recipient's ``Action`` is one of
    NO_FAILURE_ACTIONS (Gmail's "Delivery Status Notification (Delay)").
    Nothing is posted nor counted for it."""
    if message.get_content_type() != "multipart/report":
        return False
    kind = (message.get_param("report-type") or "").lower()
    if kind == "disposition-notification":
        return True
    if kind != "delivery-status":
        return False
    actions = {
        str(block.get("Action") or "").strip().lower()
        for part in message.walk()
        if part.get_content_type() == "message/delivery-status"
        for block in (part.get_payload() if part.is_multipart() else [])
        if block.get("Action")
    }
    return bool(actions) and actions <= NO_FAILURE_ACTIONS


# The longest server's words kept of a failure (a reason on a record: a
# Diagnostic-Code may quote a whole SMTP dialogue).
FAILURE_DETAIL_MAX = 300


def failure_detail(message):
    """The words of the mail server that gave up on a message, from a
    delivery-status notification (email.message.Message, RFC 3464): each
    failed recipient's ``Status`` and ``Diagnostic-Code`` ("5.1.1 smtp; 550
    5.1.1 User unknown"), unfolded, at most FAILURE_DETAIL_MAX characters;
    None when the report says none (no such part, or no failure in it): the
    human part of a report is the server's prose, and may quote the message."""
    if message.get_content_type() != "multipart/report":
        return None
    details = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status" or not part.is_multipart():
            continue
        for block in part.get_payload():
            if str(block.get("Action") or "").strip().lower() != "failed":
                continue
            words = " ".join(
                " ".join(str(block.get(name) or "").split())
                for name in ("Status", "Diagnostic-Code")
            ).strip()
            if words and words not in details:
                details.append(words)
    detail = "; ".join(details)
    if len(detail) > FAILURE_DETAIL_MAX:
        detail = detail[: FAILURE_DETAIL_MAX - 1].rstrip() + "…"
    return detail or None


def is_automatic(headers):
    """Whether an e-mail's headers (a mapping: email.message.Message) say no
    person wrote it: RFC 3834's Auto-Submitted, the robots' X-Autoreply and
    Precedence, an out-of-office subject."""
    auto = (headers.get("Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return True
    if any(headers.get(name) for name in ("X-Autoreply", "X-Autorespond", "X-Autogenerated")):
        return True
    precedence = (headers.get("Precedence") or headers.get("X-Precedence") or "").strip().lower()
    if precedence in ("auto_reply", "bulk", "junk", "list"):
        return True
    subject = fold(str(headers.get("Subject") or ""))
    return bool(
        re.match(
            r"(resposta automatica|automatic reply|auto reply|autoreply|auto|out of office|"
            r"ausente|fora do escritorio)\b",
            subject,
        )
    )
