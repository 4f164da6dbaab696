#!/usr/bin/env python3
"""Records a purchase with loyalty.RecordPurchase and prints the member's statement (loyalty.GetStatement).

The .proto files are the API. This script loads the message classes at run time from a descriptor set
(made by protoc-c, see README.md), so it needs no generated Python code: only pynng and protobuf.

    python loyalty_example.py --descriptors cx.desc --url ipc:///path/to/run/loyalty.rep \
        --token "$CX_AUTH_TOKEN" --customer acme --purchase-id inv-1001 --amount 12000 --currency EUR
"""
import argparse
import sys
import uuid

import pynng
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


def load_messages(descriptor_set_path):
    """Every message of the descriptor set, by full name (e.g. "cx.v1.RecordPurchaseRequest")."""
    file_set = descriptor_pb2.FileDescriptorSet()
    with open(descriptor_set_path, "rb") as f:
        file_set.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file_proto in file_set.file:
        pool.Add(file_proto)

    def message(name):
        return message_factory.GetMessageClass(pool.FindMessageTypeByName(name))

    return message


class Client:
    """Calls "<service>.<Method>" over one REQ socket, in the cx.v1.Request/Response envelope."""

    def __init__(self, url, token, message):
        self.socket = pynng.Req0(dial=url, recv_timeout=5000, send_timeout=5000)
        self.token = token
        self.message = message
        self.status_names = message("cx.v1.Response").DESCRIPTOR.fields_by_name["code"].enum_type.values_by_number

    def call(self, method, request, reply_type):
        envelope = self.message("cx.v1.Request")(
            method=method,
            request_id=uuid.uuid4().hex,
            auth_token=self.token,
            deadline_ms=5000,
            body=request.SerializeToString(),
        )
        self.socket.send(envelope.SerializeToString())
        response = self.message("cx.v1.Response")()
        response.ParseFromString(self.socket.recv())
        if response.code != 0:  # STATUS_CODE_OK
            name = self.status_names[response.code].name
            field = f" (field {response.field})" if response.field else ""
            raise RuntimeError(f"{method}: {name}: {response.message}{field}")
        reply = self.message(reply_type)()
        reply.ParseFromString(response.body)
        return reply

    def close(self):
        self.socket.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--descriptors", required=True, help="descriptor set of proto/ (protoc-c -o)")
    parser.add_argument("--url", required=True, help="loyalty's request URL, e.g. ipc://…/run/loyalty.rep")
    parser.add_argument("--token", required=True, help="a writer (or admin) token")
    parser.add_argument("--customer", required=True)
    parser.add_argument("--purchase-id", required=True, help="the billing system's id: a repeat changes nothing")
    parser.add_argument("--amount", type=int, required=True, help="minor units, e.g. 12000 for 120.00")
    parser.add_argument("--currency", default="EUR")
    args = parser.parse_args()

    message = load_messages(args.descriptors)
    client = Client(args.url, args.token, message)
    try:
        customer = message("cx.v1.CustomerId")(value=args.customer)
        purchase = message("cx.v1.RecordPurchaseRequest")(
            purchase_id=args.purchase_id,
            customer=customer,
            amount=message("cx.v1.Money")(minor_units=args.amount, currency=args.currency),
        )
        recorded = client.call("loyalty.RecordPurchase", purchase, "cx.v1.RecordPurchaseResponse")
        # A repeat of the same purchase_id changes nothing and answers with the first reply.
        print(f"purchase {args.purchase_id}: {recorded.points} points, tier {recorded.tier}")

        statement = client.call(
            "loyalty.GetStatement", message("cx.v1.GetStatementRequest")(customer=customer),
            "cx.v1.GetStatementResponse")
        print(f"{args.customer}: balance {statement.balance} points, pending {statement.pending}, "
              f"tier {statement.tier.name}")
        kinds = message("cx.v1.LedgerEntry").DESCRIPTOR.fields_by_name["kind"].enum_type.values_by_number
        for entry in statement.entries:
            kind = kinds[entry.kind].name.removeprefix("LEDGER_ENTRY_KIND_").lower()
            print(f"  {kind:<8} {entry.points:+d}  {entry.external_id or entry.reason}"
                  + ("  (pending)" if entry.pending else ""))
    except (RuntimeError, pynng.NNGException) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
