// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {Test} from "../utils/Test.sol";
import {RentalEscrow} from "../../src/RentalEscrow.sol";
import {TestStablecoin} from "../../src/devnet/TestStablecoin.sol";

/// @notice Drives a RentalEscrow with random renters, hosts, amounts, callers and times, and keeps
/// an independent model of it (ghost variables): what each rental holds, what each account should
/// be owed, what went in and what came out. Every call also checks that the escrow agreed with
/// the model on whether it should succeed; disagreements are counted, never hidden.
contract EscrowHandler is Test {
    RentalEscrow public immutable escrow;
    TestStablecoin public immutable usd; // address(0): the ETH escrow
    address public immutable operator;
    address public immutable treasury;
    uint16 public immutable feeBps;
    uint256 public immutable grace;

    struct Model {
        address renter;
        address host;
        uint256 amount; // what the escrow holds of it: deposit while open, refund due once settled
        uint256 expiresAt;
        RentalEscrow.Status status;
    }

    address[] public actors; // renters and hosts (a renter may also be a host, or the treasury)
    bytes32[] public ids;
    mapping(bytes32 => Model) public model;
    mapping(address => uint256) public expectedCredit; // hosts and the treasury
    mapping(address => uint256) public paidTo; // everything each account received from the escrow

    // ghosts
    uint256 public deposited; // everything that ever went in
    uint256 public withdrawn; // everything that ever came out
    uint256 public heldInRentals; // Σ amount: open deposits and unpaid refunds
    uint256 public nonRenterReclaims; // reclaims that succeeded for someone else than the renter
    uint256 public earlyReclaims; // reclaims that succeeded before expiresAt + grace
    uint256 public repeatSettlements; // settlements of a rental that was not open
    uint256 public overdraws; // settlements with used > deposit that went through
    uint256 public strangerSettlements; // settle/settleBatch by anyone but the operator that went through
    uint256 public wrongRefusals; // calls the rules allow that the escrow refused (e.g. a due reclaim)
    uint256 public calls;
    // what actually happened, so a campaign that never reaches a state shows up
    uint256 public opened;
    uint256 public settled;
    uint256 public reclaimed;
    uint256 public withdrawals;
    uint256 public refunds;
    uint256 public squats; // rentals a squatter opened under ids of others' rentals
    /// Someone who copies rental ids seen in flight and opens them first or after: never an actor,
    /// so the model's rentals stay the actors' own.
    address public immutable squatter = makeAddr("squatter");
    mapping(bytes32 => bool) public squatted;

    constructor(RentalEscrow escrow_, TestStablecoin usd_, address operator_) {
        escrow = escrow_;
        usd = usd_;
        operator = operator_;
        treasury = escrow_.treasury();
        feeBps = escrow_.feeBps();
        grace = escrow_.grace();
        for (uint256 i; i < 5; ++i) {
            actors.push(makeAddr(string(abi.encodePacked("actor", bytes1(uint8(48 + i))))));
        }
        actors.push(treasury);
    }

    // --- actions -------------------------------------------------------------------------------

    function open(uint256 renterSeed, uint256 hostSeed, uint256 amount, uint256 duration) external {
        calls++;
        address renter = actors[renterSeed % (actors.length - 1)]; // the treasury does not rent
        address host = actors[hostSeed % actors.length];
        amount = bound(amount, 1, 1_000 ether);
        uint256 expiresAt = block.timestamp + bound(duration, 1, 30 days);
        bytes32 id = keccak256(abi.encode(ids.length, renterSeed));
        _fund(renter, amount);

        vm.prank(renter);
        try escrow.open{value: _value(amount)}(id, host, uint40(expiresAt), amount) {
            ids.push(id);
            model[id] = Model(renter, host, amount, expiresAt, RentalEscrow.Status.Open);
            deposited += amount;
            heldInRentals += amount;
            opened++;
        } catch {
            wrongRefusals++;
        }
    }

    function topUp(uint256 idSeed, uint256 amount, uint256 extend, bool byRenter) external {
        calls++;
        if (ids.length == 0) return;
        bytes32 id = ids[idSeed % ids.length];
        Model storage m = model[id];
        address caller = byRenter ? m.renter : actors[extend % actors.length];
        amount = bound(amount, 0, 100 ether);
        uint256 newExpiry = extend % 3 == 0 ? 0 : m.expiresAt + bound(extend, 0, 7 days);
        _fund(caller, amount);
        bool allowed = m.status == RentalEscrow.Status.Open && caller == m.renter && (amount != 0 || newExpiry != 0);

        vm.prank(caller);
        try escrow.topUp{value: _value(amount)}(id, amount, uint40(newExpiry)) {
            if (!allowed) wrongRefusals++; // counted as a rule broken the other way
            m.amount += amount;
            if (newExpiry != 0) m.expiresAt = newExpiry;
            deposited += amount;
            heldInRentals += amount;
        } catch {
            if (allowed) wrongRefusals++;
        }
    }

    /// The operator settles with a `used` that is sometimes above the deposit, on a rental that
    /// is sometimes no longer open.
    function settle(uint256 idSeed, uint256 used) external {
        calls++;
        if (ids.length == 0) return;
        bytes32 id = ids[idSeed % ids.length];
        Model storage m = model[id];
        used = bound(used, 0, m.amount + m.amount / 10 + 1);
        bool wasOpen = m.status == RentalEscrow.Status.Open;

        vm.prank(operator);
        try escrow.settle(m.renter, id, used) {
            if (!wasOpen) repeatSettlements++;
            if (used > m.amount) overdraws++;
            _applySettle(m, used);
            _creditFee(used * feeBps / 10_000);
        } catch {
            if (wasOpen && used <= m.amount) wrongRefusals++;
        }
    }

    function settleBatch(uint256 seed, uint256 n) external {
        calls++;
        if (ids.length == 0) return;
        n = bound(n, 1, 10);
        address[] memory renters = new address[](n);
        bytes32[] memory batch = new bytes32[](n);
        uint256[] memory used = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            // may repeat an id inside the batch: the second one must be skipped
            batch[i] = ids[uint256(keccak256(abi.encode(seed, i))) % ids.length];
            Model storage m = model[batch[i]];
            renters[i] = m.renter;
            // a settled rental's amount is its refund: bound by it, it is skipped anyway
            used[i] = bound(uint256(keccak256(abi.encode(seed, i, "u"))), 0, m.amount);
        }
        vm.prank(operator);
        try escrow.settleBatch(renters, batch, used) {
            uint256 fees;
            for (uint256 i; i < n; ++i) {
                Model storage m = model[batch[i]];
                if (m.status != RentalEscrow.Status.Open) continue; // skipped, as it must be
                _applySettle(m, used[i]);
                fees += used[i] * feeBps / 10_000;
            }
            _creditFee(fees);
        } catch {
            wrongRefusals++; // every used[i] ≤ deposit: nothing may revert
        }
    }

    /// Anyone but the operator tries to settle.
    function strangerSettle(uint256 idSeed, uint256 callerSeed) external {
        calls++;
        if (ids.length == 0) return;
        bytes32 id = ids[idSeed % ids.length];
        address caller = actors[callerSeed % actors.length];
        vm.prank(caller);
        try escrow.settle(model[id].renter, id, 0) {
            strangerSettlements++;
            _applySettle(model[id], 0);
        } catch {}
    }

    /// The renter or someone else (the operator, a host, the treasury) tries to reclaim, at some time.
    function reclaim(uint256 idSeed, uint256 callerSeed, bool byRenter) external {
        calls++;
        if (ids.length == 0) return;
        bytes32 id = ids[idSeed % ids.length];
        Model storage m = model[id];
        address caller = byRenter ? m.renter : (callerSeed % 2 == 0 ? operator : actors[callerSeed % actors.length]);
        bool due = block.timestamp >= m.expiresAt + grace;
        bool allowed = m.status == RentalEscrow.Status.Open && caller == m.renter && due;
        uint256 before = _balanceOf(m.renter);

        vm.prank(caller);
        try escrow.reclaim(id) {
            if (caller != m.renter) nonRenterReclaims++;
            if (!due) earlyReclaims++;
            if (m.status != RentalEscrow.Status.Open) repeatSettlements++;
            _paid(m.renter, before, m.amount);
            heldInRentals -= m.amount;
            m.amount = 0;
            m.status = RentalEscrow.Status.Reclaimed;
            reclaimed++;
        } catch {
            if (allowed) wrongRefusals++; // the renter must never be held hostage
        }
    }

    /// Anyone (an actor, the operator) asks for a rental's refund; it must reach the renter only.
    function refund(uint256 idSeed, uint256 callerSeed, bool asOperator) external {
        calls++;
        if (ids.length == 0) return;
        bytes32 id = ids[idSeed % ids.length];
        Model storage m = model[id];
        address caller = asOperator ? operator : actors[callerSeed % actors.length];
        bool allowed = m.status == RentalEscrow.Status.Settled && m.amount != 0;
        uint256 before = _balanceOf(m.renter);

        vm.prank(caller);
        try escrow.refund(m.renter, id) {
            if (!allowed) wrongRefusals++;
            _paid(m.renter, before, m.amount);
            heldInRentals -= m.amount;
            m.amount = 0;
            refunds++;
        } catch {
            if (allowed) wrongRefusals++;
        }
    }

    function withdraw(uint256 actorSeed, bool asOperator) external {
        calls++;
        address who = asOperator ? operator : actors[actorSeed % actors.length];
        uint256 owed = expectedCredit[who];
        uint256 before = _balanceOf(who);

        vm.prank(who);
        try escrow.withdraw() {
            _paid(who, before, owed);
            expectedCredit[who] = 0;
            withdrawals++;
        } catch {
            if (owed != 0) wrongRefusals++;
        }
    }

    /// The squatter opens a rental under the id of an actor's rental (as if copied from the mempool):
    /// it is a rental of its own, which must go through and leave the actor's untouched.
    function squat(uint256 idSeed, uint256 amount) external {
        calls++;
        if (ids.length == 0) return;
        bytes32 id = ids[idSeed % ids.length];
        if (squatted[id]) return;
        amount = bound(amount, 1, 10 ether);
        _fund(squatter, amount);
        vm.prank(squatter);
        try escrow.open{value: _value(amount)}(id, squatter, uint40(block.timestamp + 1 days), amount) {
            squatted[id] = true;
            deposited += amount;
            heldInRentals += amount;
            squats++;
        } catch {
            wrongRefusals++;
        }
    }

    function warp(uint256 secs) external {
        calls++;
        vm.warp(block.timestamp + bound(secs, 1, 10 days));
    }

    // --- views for the invariants --------------------------------------------------------------

    function idCount() external view returns (uint256) {
        return ids.length;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function escrowBalance() public view returns (uint256) {
        return address(usd) == address(0) ? address(escrow).balance : usd.balanceOf(address(escrow));
    }

    // --- internals -----------------------------------------------------------------------------

    function _applySettle(Model storage m, uint256 used) private {
        uint256 fee = used * feeBps / 10_000;
        heldInRentals -= used; // the rest stays in the rental as the refund
        expectedCredit[m.host] += used - fee;
        m.amount -= used;
        m.status = RentalEscrow.Status.Settled;
        settled++;
    }

    /// Records a payout of `expected` to `who` (balance was `before`); a different amount is a broken rule.
    function _paid(address who, uint256 before, uint256 expected) private {
        uint256 got = _balanceOf(who) - before;
        if (got != expected) wrongRefusals++;
        withdrawn += got;
        paidTo[who] += got;
    }

    function _creditFee(uint256 fee) private {
        expectedCredit[treasury] += fee;
    }

    function _fund(address who, uint256 amount) private {
        if (amount == 0) return;
        if (address(usd) == address(0)) {
            vm.deal(who, who.balance + amount);
        } else {
            usd.mint(who, amount);
            vm.prank(who);
            usd.approve(address(escrow), type(uint256).max);
        }
    }

    function _value(uint256 amount) private view returns (uint256) {
        return address(usd) == address(0) ? amount : 0;
    }

    function _balanceOf(address who) private view returns (uint256) {
        return address(usd) == address(0) ? who.balance : usd.balanceOf(who);
    }
}
