// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {Test} from "../utils/Test.sol";
import {RentalEscrow} from "../../src/RentalEscrow.sol";
import {TestStablecoin} from "../../src/devnet/TestStablecoin.sol";
import {EscrowHandler} from "./EscrowHandler.sol";

/// @notice Invariants of the escrow, checked after every random call of the handler.
abstract contract EscrowInvariants is Test {
    EscrowHandler handler;
    RentalEscrow escrow;

    function _token() internal virtual returns (TestStablecoin);

    function setUp() public {
        vm.warp(1_700_000_000);
        address operator = makeAddr("operator");
        TestStablecoin usd = _token();
        escrow = new RentalEscrow(address(usd), makeAddr("owner"), operator, makeAddr("treasury"), 250, 1 days);
        handler = new EscrowHandler(escrow, usd, operator);
        targetContract(address(handler));
    }

    /// Money is conserved: what went in is what is held plus what came out, and what is held is
    /// exactly the open deposits plus the unpaid refunds plus everyone's credits.
    function invariant_moneyIsConserved() public view {
        uint256 held = handler.escrowBalance();
        vm.assertEq(handler.deposited(), held + handler.withdrawn(), "deposited == held + withdrawn");
        uint256 credits = escrow.creditOf(handler.operator());
        for (uint256 i; i < handler.actorCount(); ++i) {
            credits += escrow.creditOf(handler.actors(i));
        }
        vm.assertEq(held, handler.heldInRentals() + credits, "held == open deposits + refunds due + credits");
    }

    /// Every account is owed exactly what the model says (host: used - fee; treasury: fees), and
    /// the operator is never owed anything.
    function invariant_creditsMatchTheModel() public view {
        for (uint256 i; i < handler.actorCount(); ++i) {
            address a = handler.actors(i);
            vm.assertEq(escrow.creditOf(a), handler.expectedCredit(a), "credit");
        }
        vm.assertEq(escrow.creditOf(handler.operator()), 0, "operator owed nothing");
    }

    /// Each rental's state on chain is the model's: parties, expiry, status, and what it still holds.
    function invariant_rentalsMatchTheModel() public view {
        for (uint256 i; i < handler.idCount(); ++i) {
            bytes32 id = handler.ids(i);
            (address renter, address host, uint256 amount, uint256 expiresAt, RentalEscrow.Status status) =
                handler.model(id);
            (address h, uint256 a, uint40 e,, RentalEscrow.Status s) = escrow.getRental(renter, id);
            vm.assertEq(h, host, "host");
            vm.assertEq(a, amount, "amount held");
            vm.assertEq(e, expiresAt, "expiresAt");
            vm.assertTrue(s == status, "status");
        }
    }

    function invariant_onlyTheRenterReclaims_andNotEarly() public view {
        vm.assertEq(handler.nonRenterReclaims(), 0, "reclaimed by someone else");
        vm.assertEq(handler.earlyReclaims(), 0, "reclaimed before expiresAt + grace");
    }

    function invariant_settledOnce_neverAboveTheDeposit_onlyByTheOperator() public view {
        vm.assertEq(handler.repeatSettlements(), 0, "settled or reclaimed twice");
        vm.assertEq(handler.overdraws(), 0, "settled above the deposit");
        vm.assertEq(handler.strangerSettlements(), 0, "settled by a non-operator");
    }

    /// What the rules allow always goes through: a due reclaim, a withdrawal of a credit, a valid settlement.
    /// A long run that never opened a rental would prove nothing (short, shrunk replays may).
    function afterInvariant() public view {
        vm.assertTrue(handler.calls() < 32 || handler.opened() > 0, "no rental was opened in this run");
    }

    function invariant_noAllowedCallWasRefused() public view {
        vm.assertEq(handler.wrongRefusals(), 0, "a call was refused (or allowed) against the rules");
    }
}

contract EthEscrowInvariantTest is EscrowInvariants {
    function _token() internal pure override returns (TestStablecoin) {
        return TestStablecoin(address(0));
    }
}

contract TokenEscrowInvariantTest is EscrowInvariants {
    function _token() internal override returns (TestStablecoin) {
        return new TestStablecoin();
    }
}
