// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.30;

import {Test} from "./utils/Test.sol";
import {RentalEscrow} from "../src/RentalEscrow.sol";
import {Roles} from "../src/base/Roles.sol";

/// @notice Property tests over arbitrary amounts, fees, callers and times.
contract RentalEscrowFuzzTest is Test {
    uint256 constant GRACE = 6 hours;
    uint256 constant T0 = 1_700_000_000;

    address owner = makeAddr("owner");
    address operator = makeAddr("operator");
    address treasury = makeAddr("treasury");
    address renter = makeAddr("renter");
    address host = makeAddr("host");

    function setUp() public {
        vm.warp(T0);
    }

    function _escrow(uint16 feeBps) internal returns (RentalEscrow) {
        return new RentalEscrow(address(0), owner, operator, treasury, feeBps, GRACE);
    }

    function _open(RentalEscrow e, bytes32 id, uint256 amount) internal {
        vm.deal(renter, renter.balance + amount);
        vm.prank(renter);
        e.open{value: amount}(id, host, uint40(T0 + 1 days), amount);
    }

    /// host + treasury + renter == deposit, to the wei; the fee is exactly floor(used * bps / 10 000).
    function testFuzz_settle_splitsTheDepositExactly(uint256 deposit, uint256 used, uint16 feeBps) public {
        feeBps = uint16(bound(feeBps, 0, 1_000));
        deposit = bound(deposit, 1, type(uint96).max);
        used = bound(used, 0, deposit);
        RentalEscrow e = _escrow(feeBps);
        _open(e, "r", deposit);

        vm.prank(operator);
        e.settle(renter, "r", used);

        uint256 h = e.creditOf(host);
        uint256 f = e.creditOf(treasury);
        (, uint256 r,,,) = e.getRental(renter, "r");
        vm.assertEq(h + f + r, deposit, "conserved");
        vm.assertEq(f, used * feeBps / 10_000, "fee");
        vm.assertEq(h + f, used, "host + fee == used");
        vm.assertEq(r, deposit - used, "refund");
        vm.assertEq(address(e).balance, deposit, "all still in the escrow until withdrawn");
        vm.assertEq(e.creditOf(renter), 0, "the refund is in the rental, not in a credit");
    }

    function testFuzz_settle_neverMoreThanTheDeposit(uint256 deposit, uint256 used) public {
        deposit = bound(deposit, 1, type(uint96).max);
        used = bound(used, deposit + 1, type(uint256).max);
        RentalEscrow e = _escrow(250);
        _open(e, "r", deposit);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.UsedExceedsDeposit.selector, bytes32("r"), used, deposit));
        e.settle(renter, "r", used);
    }

    function testFuzz_settle_onlyOnce(uint256 first, uint256 second) public {
        RentalEscrow e = _escrow(250);
        _open(e, "r", 10 ether);
        first = bound(first, 0, 10 ether);
        second = bound(second, 0, 10 ether);
        vm.prank(operator);
        e.settle(renter, "r", first);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(RentalEscrow.NotOpen.selector, bytes32("r"), RentalEscrow.Status.Settled)
        );
        e.settle(renter, "r", second);
    }

    function testFuzz_settle_onlyTheOperator(address caller) public {
        vm.assume(caller != operator);
        RentalEscrow e = _escrow(250);
        _open(e, "r", 1 ether);
        vm.prank(caller);
        vm.expectRevert(Roles.NotOperator.selector);
        e.settle(renter, "r", 0);
    }

    /// Nobody but the renter can reclaim, at any time; the renter can from expiresAt + grace on.
    function testFuzz_reclaim_onlyTheRenterAndOnlyAfterGrace(address caller, uint256 at) public {
        RentalEscrow e = _escrow(250);
        _open(e, "r", 1 ether);
        uint256 opensAt = T0 + 1 days + GRACE;
        at = bound(at, T0, T0 + 365 days);
        vm.warp(at);

        if (caller != renter) {
            // another caller's "r" is another rental: theirs does not exist
            vm.prank(caller);
            vm.expectRevert(
                abi.encodeWithSelector(RentalEscrow.NotOpen.selector, bytes32("r"), RentalEscrow.Status.None)
            );
            e.reclaim("r");
        }
        vm.prank(renter);
        if (at < opensAt) {
            vm.expectRevert(abi.encodeWithSelector(RentalEscrow.ReclaimTooEarly.selector, bytes32("r"), opensAt));
            e.reclaim("r");
        } else {
            uint256 before = renter.balance;
            e.reclaim("r");
            vm.assertEq(renter.balance - before, 1 ether, "whole deposit back");
        }
    }

    function testFuzz_topUp_onlyTheRenter(address caller, uint256 amount) public {
        vm.assume(caller != renter);
        amount = bound(amount, 1, 1_000 ether);
        RentalEscrow e = _escrow(250);
        _open(e, "r", 1 ether);
        vm.deal(caller, amount);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.NotOpen.selector, bytes32("r"), RentalEscrow.Status.None));
        e.topUp{value: amount}("r", amount, 0);
        (, uint256 deposit,,,) = e.getRental(renter, "r");
        vm.assertEq(deposit, 1 ether, "the renter's rental untouched");
    }

    function testFuzz_open_refusesAnExpiryNotInTheFuture(uint256 expiresAt) public {
        expiresAt = bound(expiresAt, 0, T0);
        RentalEscrow e = _escrow(250);
        vm.deal(renter, 1);
        vm.prank(renter);
        vm.expectRevert(abi.encodeWithSelector(RentalEscrow.ExpiryNotInFuture.selector, expiresAt, T0));
        e.open{value: 1}("r", host, uint40(expiresAt), 1);
    }

    /// A batch credits exactly what the same settlements one by one would.
    function testFuzz_settleBatch_matchesSingleSettles(uint256 seed, uint8 n) public {
        n = uint8(bound(n, 1, 10));
        RentalEscrow single = _escrow(333);
        RentalEscrow batch = _escrow(333);
        address[] memory renters = new address[](n);
        bytes32[] memory ids = new bytes32[](n);
        uint256[] memory used = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            renters[i] = renter;
            ids[i] = keccak256(abi.encode(seed, i));
            uint256 deposit = bound(uint256(keccak256(abi.encode(seed, i, "d"))), 1, 100 ether);
            used[i] = bound(uint256(keccak256(abi.encode(seed, i, "u"))), 0, deposit);
            _open(single, ids[i], deposit);
            _open(batch, ids[i], deposit);
            vm.prank(operator);
            single.settle(renter, ids[i], used[i]);
        }
        vm.prank(operator);
        batch.settleBatch(renters, ids, used);
        vm.assertEq(batch.creditOf(host), single.creditOf(host), "host");
        vm.assertEq(batch.creditOf(treasury), single.creditOf(treasury), "treasury");
        for (uint256 i; i < n; ++i) {
            (, uint256 a,,, RentalEscrow.Status sa) = single.getRental(renter, ids[i]);
            (, uint256 b,,, RentalEscrow.Status sb) = batch.getRental(renter, ids[i]);
            vm.assertEq(a, b, "refund");
            vm.assertTrue(sa == sb, "status");
        }
    }

    /// Someone who copies a rental id from an open in flight and sends it first only opens a rental
    /// of their own: the renter's open goes through, each is settled, reclaimed and refunded apart.
    function testFuzz_open_aFrontRunnerOnlyOpensItsOwn(address squatter, uint256 squatted, uint256 deposit) public {
        vm.assume(squatter != renter && squatter.code.length == 0 && uint160(squatter) > 0x100);
        squatted = bound(squatted, 1, 100 ether);
        deposit = bound(deposit, 1, 100 ether);
        RentalEscrow e = _escrow(250);
        vm.deal(squatter, squatted);
        vm.prank(squatter);
        e.open{value: squatted}("r", host, uint40(T0 + 1 days), squatted);

        _open(e, "r", deposit); // the renter's own open of the same id
        (address h, uint256 held,,, RentalEscrow.Status status) = e.getRental(renter, "r");
        vm.assertEq(h, host, "host");
        vm.assertEq(held, deposit, "the renter's deposit");
        vm.assertTrue(status == RentalEscrow.Status.Open, "open");
        (, uint256 theirs,,,) = e.getRental(squatter, "r");
        vm.assertEq(theirs, squatted, "the squatter's is apart");

        vm.prank(operator);
        e.settle(renter, "r", deposit);
        vm.assertEq(e.creditOf(host) + e.creditOf(treasury), deposit, "settled on the renter's deposit only");
        (,,,, RentalEscrow.Status theirStatus) = e.getRental(squatter, "r");
        vm.assertTrue(theirStatus == RentalEscrow.Status.Open, "the squatter's left open");
        vm.warp(T0 + 1 days + GRACE);
        uint256 before = squatter.balance;
        vm.prank(squatter);
        e.reclaim("r");
        vm.assertEq(squatter.balance - before, squatted, "the squatter gets back only its own");
    }
}
